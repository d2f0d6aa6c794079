#pragma once
// A disk model for power-loss tests (R15): an SQLite VFS wrapping the default "unix" one, plus
// the store's raw-file seam (core/store/raw_file_observer.h), that remembers the last synced
// content of every file. Writes reach the real files at once (so the process reads what it
// wrote), and every write and sync is an event with a number: `onEvent` decides per event
// whether it proceeds or the power is cut there. After a cut every write and sync fails (the
// process can only give up), and reboot() puts every file back to its content at its last sync:
// every write not yet synced is dropped, as a power loss may do. The same counter and actions
// serve the I/O crash harness (tst_crash_io: stop or fail at the n-th write or sync, for every n).
#include "core/store/raw_file_observer.h"

#include <QFile>

#include <functional>
#include <map>
#include <set>
#include <sqlite3.h>
#include <string>

namespace testsupport {

class PowerLossVfs : public adclick::core::RawFileObserver {
public:
    enum class Event { Write, Sync };
    //! CutPower: this and every later write and sync fail; Fail: only this one fails (an I/O error).
    enum class Action { Proceed, CutPower, Fail };
    //! Called before each write and sync (numbered from 1 over all files); null: always proceed.
    std::function<Action(Event, const std::string& file, int n)> onEvent;

    PowerLossVfs()
    {
        m_real = sqlite3_vfs_find(nullptr);
        m_vfs = *m_real;
        m_vfs.zName = "adclick-power-loss";
        m_vfs.szOsFile = static_cast<int>(sizeof(File)) + m_real->szOsFile;
        m_vfs.pAppData = this;
        m_vfs.xOpen = &PowerLossVfs::open;
        m_vfs.xDelete = &PowerLossVfs::remove;
        sqlite3_vfs_register(&m_vfs, 1); // the default for every connection of the process
        adclick::core::setRawFileObserver(this);
    }
    ~PowerLossVfs() override
    {
        adclick::core::setRawFileObserver(nullptr);
        sqlite3_vfs_unregister(&m_vfs);
    }
    PowerLossVfs(const PowerLossVfs&) = delete;
    PowerLossVfs& operator=(const PowerLossVfs&) = delete;

    bool powerIsOff() const { return m_off; }
    int events() const { return m_events; }
    int syncs() const { return m_syncs; }

    //! Every known file back to its last synced content (never synced: empty); SQLite's shared
    //! memory files are gone; power on, counters reset. Call it with no connection open.
    void reboot()
    {
        for (const std::string& file : m_files) {
            QFile f(QString::fromStdString(file));
            const auto durable = m_durable.find(file);
            if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) continue;
            if (durable != m_durable.end()) f.write(durable->second.data(), qint64(durable->second.size()));
            if (file.size() > 4 && file.compare(file.size() - 4, 4, "-wal") == 0)
                QFile::remove(QString::fromStdString(file.substr(0, file.size() - 4) + "-shm"));
        }
        m_off = false;
        resetCount();
    }

    //! A new disk: every file is durable as it is now (files written before are forgotten).
    void forget()
    {
        m_files.clear();
        m_durable.clear();
    }

    //! Numbers events from 1 again.
    void resetCount()
    {
        m_events = 0;
        m_syncs = 0;
    }

    // The raw segment seam.
    bool beforeWrite(const std::string& file) override
    {
        know(file);
        return proceed(Event::Write, file);
    }
    bool beforeSync(const std::string& file) override
    {
        if (!proceed(Event::Sync, file)) return false;
        remember(file);
        return true;
    }

private:
    struct File {
        sqlite3_file base;
        PowerLossVfs* owner;
        std::string* path; // null for temporary files (no name: nothing to keep)
        sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
    };

    bool proceed(Event e, const std::string& file)
    {
        if (m_off) return false;
        ++m_events;
        if (e == Event::Sync) ++m_syncs;
        const Action a = onEvent ? onEvent(e, file, m_events) : Action::Proceed;
        if (a == Action::CutPower) m_off = true;
        return a == Action::Proceed;
    }

    //! A file seen for the first time is durable as it is (it was there before the model).
    void know(const std::string& file)
    {
        if (m_files.insert(file).second && !m_durable.count(file)) remember(file);
    }

    void remember(const std::string& file)
    {
        QFile f(QString::fromStdString(file));
        m_durable[file] = f.open(QIODevice::ReadOnly) ? f.readAll().toStdString() : std::string();
    }

    static File* self(sqlite3_file* f) { return reinterpret_cast<File*>(f); }

    static int open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* outFlags)
    {
        auto* owner = static_cast<PowerLossVfs*>(vfs->pAppData);
        File* f = self(file);
        f->owner = owner;
        f->path = nullptr;
        f->base.pMethods = nullptr;
        const int rc = owner->m_real->xOpen(owner->m_real, name, f->real(), flags, outFlags);
        if (rc != SQLITE_OK || !f->real()->pMethods) return rc;
        owner->m_methods = *f->real()->pMethods;
        owner->m_methods.xClose = &PowerLossVfs::close;
        owner->m_methods.xWrite = &PowerLossVfs::write;
        owner->m_methods.xTruncate = &PowerLossVfs::truncate;
        owner->m_methods.xSync = &PowerLossVfs::sync;
        owner->m_methods.xRead = &PowerLossVfs::read;
        owner->m_methods.xFileSize = [](sqlite3_file* p, sqlite3_int64* s) {
            return self(p)->real()->pMethods->xFileSize(self(p)->real(), s);
        };
        owner->m_methods.xLock
            = [](sqlite3_file* p, int l) { return self(p)->real()->pMethods->xLock(self(p)->real(), l); };
        owner->m_methods.xUnlock
            = [](sqlite3_file* p, int l) { return self(p)->real()->pMethods->xUnlock(self(p)->real(), l); };
        owner->m_methods.xCheckReservedLock = [](sqlite3_file* p, int* r) {
            return self(p)->real()->pMethods->xCheckReservedLock(self(p)->real(), r);
        };
        owner->m_methods.xFileControl = [](sqlite3_file* p, int op, void* a) {
            return self(p)->real()->pMethods->xFileControl(self(p)->real(), op, a);
        };
        owner->m_methods.xSectorSize
            = [](sqlite3_file* p) { return self(p)->real()->pMethods->xSectorSize(self(p)->real()); };
        owner->m_methods.xDeviceCharacteristics = [](sqlite3_file* p) {
            // No SQLITE_IOCAP_POWERSAFE_OVERWRITE or SAFE_APPEND: this disk promises nothing.
            return self(p)->real()->pMethods->xDeviceCharacteristics(self(p)->real())
                & ~(SQLITE_IOCAP_POWERSAFE_OVERWRITE | SQLITE_IOCAP_SAFE_APPEND | SQLITE_IOCAP_SEQUENTIAL);
        };
        owner->m_methods.xShmMap = [](sqlite3_file* p, int pg, int sz, int ext, void volatile** out) {
            return self(p)->real()->pMethods->xShmMap(self(p)->real(), pg, sz, ext, out);
        };
        owner->m_methods.xShmLock = [](sqlite3_file* p, int o, int n, int fl) {
            return self(p)->real()->pMethods->xShmLock(self(p)->real(), o, n, fl);
        };
        owner->m_methods.xShmBarrier
            = [](sqlite3_file* p) { self(p)->real()->pMethods->xShmBarrier(self(p)->real()); };
        owner->m_methods.xShmUnmap
            = [](sqlite3_file* p, int d) { return self(p)->real()->pMethods->xShmUnmap(self(p)->real(), d); };
        owner->m_methods.iVersion = 2; // no memory-mapped I/O: every write goes through xWrite
        f->base.pMethods = &owner->m_methods;
        if (name) {
            f->path = new std::string(name);
            owner->know(*f->path);
        }
        return SQLITE_OK;
    }

    static int remove(sqlite3_vfs* vfs, const char* name, int syncDir)
    {
        auto* owner = static_cast<PowerLossVfs*>(vfs->pAppData);
        if (owner->m_off) return SQLITE_IOERR_DELETE;
        // Treated as durable at once (a removed WAL or journal is one SQLite no longer needs).
        owner->m_files.erase(name);
        owner->m_durable.erase(name);
        return owner->m_real->xDelete(owner->m_real, name, syncDir);
    }

    static int close(sqlite3_file* file)
    {
        File* f = self(file);
        const int rc = f->real()->pMethods->xClose(f->real());
        delete f->path;
        f->path = nullptr;
        return rc;
    }

    static int read(sqlite3_file* file, void* buf, int n, sqlite3_int64 at)
    {
        return self(file)->real()->pMethods->xRead(self(file)->real(), buf, n, at);
    }

    static int write(sqlite3_file* file, const void* buf, int n, sqlite3_int64 at)
    {
        File* f = self(file);
        if (f->path && !f->owner->proceed(Event::Write, *f->path)) return SQLITE_IOERR_WRITE;
        if (!f->path && f->owner->m_off) return SQLITE_IOERR_WRITE;
        return f->real()->pMethods->xWrite(f->real(), buf, n, at);
    }

    static int truncate(sqlite3_file* file, sqlite3_int64 size)
    {
        File* f = self(file);
        if (f->owner->m_off) return SQLITE_IOERR_TRUNCATE;
        return f->real()->pMethods->xTruncate(f->real(), size);
    }

    static int sync(sqlite3_file* file, int flags)
    {
        File* f = self(file);
        if (f->path && !f->owner->proceed(Event::Sync, *f->path)) return SQLITE_IOERR_FSYNC;
        if (!f->path && f->owner->m_off) return SQLITE_IOERR_FSYNC;
        const int rc = f->real()->pMethods->xSync(f->real(), flags);
        if (rc == SQLITE_OK && f->path) f->owner->remember(*f->path);
        return rc;
    }

    sqlite3_vfs* m_real = nullptr;
    sqlite3_vfs m_vfs {};
    sqlite3_io_methods m_methods {};
    std::set<std::string> m_files; //!< every named file written through the model
    std::map<std::string, std::string> m_durable; //!< content at the last sync
    bool m_off = false;
    int m_events = 0;
    int m_syncs = 0;
};

} // namespace testsupport
