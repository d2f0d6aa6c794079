#pragma once

#include <optional>
#include <string>
#include <utility>

namespace adclick::core {

//! Outcome of an operation that can fail for an expected reason (bad input, bad environment).
//! Programmer errors are asserts; exceptions are kept for start-up/config boundaries.
class Status {
public:
    Status() = default;
    static Status ok() { return {}; }
    static Status error(std::string message)
    {
        Status s;
        s.m_error = std::move(message);
        s.m_failed = true;
        return s;
    }
    bool isOk() const { return !m_failed; }
    explicit operator bool() const { return !m_failed; }
    const std::string& message() const { return m_error; }

private:
    std::string m_error;
    bool m_failed = false;
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

    bool isOk() const { return m_value.has_value(); }
    explicit operator bool() const { return isOk(); }
    const std::string& message() const { return m_status.message(); }
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
