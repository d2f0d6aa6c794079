#pragma once

#include <optional>
#include <string>
#include <utility>

namespace adclick::core {

//! What kind of failure a Status reports, so that callers branch on the kind, never on message text.
enum class StatusCode {
    Ok,
    Failed, //!< any expected failure without a more specific kind (bad input, bad environment)
    BadFilter, //!< a filter expression or saved-filter reference is invalid; the message says where
    WriterBusy, //!< the database is in use by another adclick ingest (only one writer at a time)
};

//! Outcome of an operation that can fail for an expected reason (bad input, bad environment).
//! Programmer errors are asserts; exceptions are kept for start-up/config boundaries. The message is
//! complete as made (a layer that adds context adds it once); the code tells the kind.
class Status {
public:
    Status() = default;
    static Status ok() { return {}; }
    static Status error(std::string message) { return error(StatusCode::Failed, std::move(message)); }
    static Status error(StatusCode code, std::string message)
    {
        Status s;
        s.m_error = std::move(message);
        s.m_code = code;
        return s;
    }
    bool isOk() const { return m_code == StatusCode::Ok; }
    explicit operator bool() const { return isOk(); }
    StatusCode code() const { return m_code; }
    const std::string& message() const { return m_error; }

private:
    std::string m_error;
    StatusCode m_code = StatusCode::Ok;
};

//! A value or an error message.
template <typename T> class Result {
public:
    Result(T value)
        : m_value(std::move(value))
    { }
    Result(Status status)
        : m_status(std::move(status))
    { }
    static Result error(std::string message) { return Result(Status::error(std::move(message))); }
    static Result error(StatusCode code, std::string message)
    {
        return Result(Status::error(code, std::move(message)));
    }

    bool isOk() const { return m_value.has_value(); }
    explicit operator bool() const { return isOk(); }
    const std::string& message() const { return m_status.message(); }
    StatusCode code() const { return m_status.code(); }
    const Status& status() const { return m_status; }
    T& value() { return *m_value; }
    const T& value() const { return *m_value; }
    T& operator*() { return *m_value; }
    const T& operator*() const { return *m_value; }
    T* operator->() { return &*m_value; }
    const T* operator->() const { return &*m_value; }

private:
    std::optional<T> m_value;
    Status m_status;
};

} // namespace adclick::core
