#pragma once
// A tiny HTTP/1.1 client for the tests and the benchmark of `adclick serve` (POSIX sockets, no
// library): GET over one kept-alive connection, replies with a Content-Length (all the server
// sends). Written here, apart from the server's library, so the tests check what goes over the wire.

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace testhttp {

struct Reply {
    int status = 0; //!< 0: no reply (error says why)
    std::string contentType;
    std::string body;
    std::string error;
};

class Client {
public:
    Client(std::string host, int port)
        : m_host(std::move(host))
        , m_port(port)
    { }
    ~Client() { close(); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    //! Sends `raw` as it is (for malformed requests) and reads one reply.
    Reply raw(const std::string& raw)
    {
        Reply r;
        for (int attempt = 0; attempt < 2; ++attempt) {
            if (m_fd < 0 && !open(r.error)) return r;
            if (!sendAll(raw)) {
                close(); // the server closed a kept-alive connection: once more on a new one
                continue;
            }
            r = readReply();
            if (r.status != 0 || attempt == 1 || !m_reused) return r;
            close();
        }
        return r;
    }
    Reply get(const std::string& target, const std::string& extraHeaders = {})
    {
        return raw("GET " + target + " HTTP/1.1\r\nHost: " + m_host + "\r\n" + extraHeaders + "\r\n");
    }
    void close()
    {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
        m_buf.clear();
    }

private:
    bool open(std::string& error)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a {};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(m_port));
        ::inet_pton(AF_INET, m_host.c_str(), &a.sin_addr);
        timeval tv { 30, 0 }; // a hung server fails the test instead of hanging it
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (::connect(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            error = std::string("connect: ") + std::strerror(errno);
            close();
            return false;
        }
        m_reused = false;
        return true;
    }
    bool sendAll(const std::string& s)
    {
        std::size_t done = 0;
        while (done < s.size()) {
            const ssize_t n = ::send(m_fd, s.data() + done, s.size() - done, MSG_NOSIGNAL);
            if (n <= 0) return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }
    //! More bytes into m_buf; false at EOF or on an error.
    bool fill()
    {
        char chunk[16384];
        const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n <= 0) return false;
        m_buf.append(chunk, static_cast<std::size_t>(n));
        return true;
    }
    static std::string header(const std::string& head, const char* name)
    {
        std::string lower = head;
        for (char& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const std::string key = std::string("\r\n") + name + ":";
        const std::size_t at = lower.find(key);
        if (at == std::string::npos) return {};
        std::size_t v = at + key.size();
        while (v < head.size() && head[v] == ' ')
            ++v;
        return head.substr(v, head.find("\r\n", v) - v);
    }
    Reply readReply()
    {
        Reply r;
        std::size_t end;
        while ((end = m_buf.find("\r\n\r\n")) == std::string::npos)
            if (!fill()) {
                r.error = "connection closed before the headers";
                close();
                return r;
            }
        const std::string head = m_buf.substr(0, end + 2);
        m_buf.erase(0, end + 4);
        if (head.rfind("HTTP/1.", 0) != 0 || head.size() < 12) {
            r.error = "not an HTTP reply: " + head.substr(0, 40);
            close();
            return r;
        }
        const std::string length = header(head, "content-length");
        const std::size_t n = length.empty() ? 0 : std::stoul(length);
        while (m_buf.size() < n)
            if (!fill()) {
                r.error = "connection closed inside the body";
                close();
                return r;
            }
        r.status = std::stoi(head.substr(9, 3));
        r.contentType = header(head, "content-type");
        r.body = m_buf.substr(0, n);
        m_buf.erase(0, n);
        if (header(head, "connection") == "close")
            close();
        else
            m_reused = true;
        return r;
    }

    std::string m_host;
    int m_port;
    int m_fd = -1;
    bool m_reused = false;
    std::string m_buf;
};

} // namespace testhttp
