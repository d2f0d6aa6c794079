#include "core/input/rotated_copy.h"

#include <dirent.h>
#include <sys/stat.h>

#include <string_view>

namespace adclick::core {

namespace {

//! True when `candidate` starts with the content `fp` describes and has at least `minBytes`.
bool sameContent(const std::string& candidate, const Fingerprint& fp, uint64_t minBytes)
{
    auto file = InputFile::open(candidate);
    if (!file) return false; // vanished or unreadable meanwhile: not ours to finish
    std::string head(fp.length, '\0');
    std::size_t got = 0;
    while (got < head.size()) {
        auto n = (*file)->read(std::span<char>(head.data() + got, head.size() - got));
        if (!n || *n == 0) return false;
        got += *n;
    }
    if (fingerprintHash(head.data(), head.size()) != fp.hash) return false;
    return minBytes <= fp.length || static_cast<bool>((*file)->seek(minBytes));
}

} // namespace

std::optional<std::string> findRotatedCopy(
    const std::string& path, const Fingerprint& fingerprint, uint64_t minBytes, const OwnFiles& own)
{
    // An empty fingerprint matches every file: it identifies nothing.
    if (fingerprint.length == 0) return std::nullopt;
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    const std::string stem = name.substr(0, name.find('.'));
    struct stat self;
    const bool haveSelf = ::stat(path.c_str(), &self) == 0;

    DIR* d = ::opendir(dir.c_str());
    if (!d) return std::nullopt;
    std::optional<std::string> found;
    while (const dirent* entry = ::readdir(d)) {
        const std::string_view entryName = entry->d_name;
        if (entryName == name || entryName.substr(0, stem.size()) != stem || entryName[0] == '.') continue;
        const std::string candidate = (slash == std::string::npos ? "" : dir) + std::string(entryName);
        struct stat st;
        // lstat: a link is never a rotated copy (and may lead out of the folder).
        if (::lstat(candidate.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (haveSelf && st.st_dev == self.st_dev && st.st_ino == self.st_ino) continue; // a hard link
        if (own.contains(st)) continue; // even opening it would drop the writer's locks (own_files.h)
        if (sameContent(candidate, fingerprint, minBytes)) {
            found = candidate;
            break;
        }
    }
    ::closedir(d);
    return found;
}

} // namespace adclick::core
