// format.cpp: the formatter behind kprintf and format(). Output goes through a small sink so
// the same code fills buffers and the console.
#include "lib/format.h"
#include "dev/serial.h"

namespace {

struct Sink {
    char* buf;
    size_t size;
    size_t length;
    bool console;

    void put(char c) {
        if (console)
            serial_put_char(c);
        else if (length + 1 < size)
            buf[length] = c;
        length++;
    }
};

void put_number(Sink& out, u64 value, unsigned base, bool negative, int width, bool zero_pad,
                bool left, bool upper) {
    char digits[24];
    int n = 0;
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[n++] = set[value % base];
        value /= base;
    } while (value);
    int length = n + (negative ? 1 : 0);
    if (!left && !zero_pad)
        for (int i = length; i < width; i++)
            out.put(' ');
    if (negative)
        out.put('-');
    if (!left && zero_pad)
        for (int i = length; i < width; i++)
            out.put('0');
    while (n)
        out.put(digits[--n]);
    if (left)
        for (int i = length; i < width; i++)
            out.put(' ');
}

void run(Sink& out, const char* fmt, va_list args) {
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out.put(*fmt);
            continue;
        }
        fmt++;
        bool zero_pad = false, left = false;
        for (;; fmt++) {
            if (*fmt == '0')
                zero_pad = true;
            else if (*fmt == '-')
                left = true;
            else
                break;
        }
        int width = 0;
        if (*fmt == '*') {
            width = va_arg(args, int);
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int precision = -1;
        if (*fmt == '.') {
            fmt++;
            precision = 0;
            if (*fmt == '*') {
                precision = va_arg(args, int);
                fmt++;
            }
            while (*fmt >= '0' && *fmt <= '9')
                precision = precision * 10 + (*fmt++ - '0');
        }
        int longs = 0;
        while (*fmt == 'l' || *fmt == 'z') {
            longs += *fmt == 'z' ? 2 : 1;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            i64 v = longs ? va_arg(args, i64) : va_arg(args, int);
            put_number(out, v < 0 ? u64(-v) : u64(v), 10, v < 0, width, zero_pad, left, false);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            u64 v = longs ? va_arg(args, u64) : va_arg(args, unsigned);
            put_number(out, v, *fmt == 'u' ? 10 : 16, false, width, zero_pad, left, *fmt == 'X');
            break;
        }
        case 'p':
            out.put('0');
            out.put('x');
            put_number(out, u64(va_arg(args, void*)), 16, false, 16, true, false, false);
            break;
        case 's': {
            const char* s = va_arg(args, const char*);
            if (!s)
                s = "(null)";
            int n = 0;
            while (s[n] && (precision < 0 || n < precision))
                n++;
            if (!left)
                for (int i = n; i < width; i++)
                    out.put(' ');
            for (int i = 0; i < n; i++)
                out.put(s[i]);
            if (left)
                for (int i = n; i < width; i++)
                    out.put(' ');
            break;
        }
        case 'c':
            out.put(char(va_arg(args, int)));
            break;
        case '%':
            out.put('%');
            break;
        case '\0':
            return;
        default:
            out.put('%');
            out.put(*fmt);
        }
    }
}

} // namespace

size_t vformat(char* buf, size_t size, const char* fmt, va_list args) {
    Sink sink{buf, size, 0, false};
    run(sink, fmt, args);
    if (size)
        buf[sink.length < size ? sink.length : size - 1] = 0;
    return sink.length;
}

size_t format(char* buf, size_t size, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    size_t n = vformat(buf, size, fmt, args);
    va_end(args);
    return n;
}

void vkprintf(const char* fmt, va_list args) {
    Sink sink{nullptr, 0, 0, true};
    run(sink, fmt, args);
}

void kprintf(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    vkprintf(fmt, args);
    va_end(args);
}
