// json_reader.cpp: recursive-descent JSON reader with positions. No comments, no trailing commas,
// no NaN/Infinity: what encoding/json in the established ops accepts, minus its silent duplicates.
#include "ops/config/json_reader.h"

#include <cctype>
#include <cstdio>
#include <string>

namespace ops::json {

namespace {

class Reader {
public:
    explicit Reader(std::string_view input) : m_input(input) {}

    Value document() {
        if (m_input.size() > kMaxInputBytes)
            fail("the file is larger than 16 MiB");
        if (m_input.substr(0, 3) == "\xEF\xBB\xBF")
            advance(3);  // A UTF-8 byte order mark is harmless; editors on some hosts add it.
        skip_whitespace();
        Value value = parse_value(0);
        skip_whitespace();
        if (!at_end())
            fail("unexpected " + describe_next() + " after the end of the JSON value");
        return value;
    }

private:
    [[noreturn]] void fail(std::string message) { fail_at(m_position, std::move(message)); }

    [[noreturn]] void fail_at(Position position, std::string message) {
        throw SyntaxError{position, path(), std::move(message)};
    }

    std::string path() const {
        std::string result;
        for (auto& part : m_path) {
            if (!result.empty() && part.front() != '[')
                result += '.';
            result += part;
        }
        return result;
    }

    bool at_end() const { return m_offset >= m_input.size(); }
    char peek() const { return m_input[m_offset]; }

    void advance(std::size_t count = 1) {
        for (std::size_t i = 0; i < count && !at_end(); ++i) {
            unsigned char c = static_cast<unsigned char>(m_input[m_offset++]);
            if (c == '\n') {
                ++m_position.line;
                m_position.column = 1;
            } else if ((c & 0xC0) != 0x80) {
                // Count code points, not bytes: continuation bytes do not move the column.
                ++m_position.column;
            }
        }
    }

    std::string describe_next() const {
        if (at_end())
            return "end of file";
        unsigned char c = static_cast<unsigned char>(peek());
        if (c >= 0x20 && c < 0x7F)
            return std::string("character '") + static_cast<char>(c) + "'";
        char buffer[16];
        std::snprintf(buffer, sizeof buffer, "byte 0x%02x", c);
        return buffer;
    }

    void skip_whitespace() {
        while (!at_end()) {
            char c = peek();
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
                advance();
            else if (c == '/')
                fail("comments are not allowed in JSON");
            else
                break;
        }
    }

    void expect_literal(std::string_view literal) {
        Position start = m_position;
        if (m_input.substr(m_offset, literal.size()) != literal)
            fail_at(start, "unexpected " + describe_next() + " (expected a value)");
        advance(literal.size());
    }

    Value parse_value(unsigned depth) {
        if (at_end())
            fail("unexpected end of file (expected a value)");
        Value value;
        value.position = m_position;
        switch (peek()) {
        case '{':
            parse_object(value, depth);
            break;
        case '[':
            parse_array(value, depth);
            break;
        case '"':
            value.kind = Value::Kind::String;
            value.text = parse_string();
            break;
        case 't':
            expect_literal("true");
            value.kind = Value::Kind::Bool;
            value.boolean = true;
            break;
        case 'f':
            expect_literal("false");
            value.kind = Value::Kind::Bool;
            break;
        case 'n':
            expect_literal("null");
            break;
        default:
            if (peek() == '-' || (peek() >= '0' && peek() <= '9')) {
                value.kind = Value::Kind::Number;
                value.text = parse_number();
                break;
            }
            if (peek() == '\'')
                fail("strings must use double quotes, not single quotes");
            if (std::isalpha(static_cast<unsigned char>(peek())))
                fail("invalid value (strings need double quotes)");
            fail("unexpected " + describe_next() + " (expected a value)");
        }
        return value;
    }

    void enter(unsigned depth) {
        if (depth + 1 > kMaxDepth)
            fail("nesting is deeper than 64 levels");
    }

    void parse_object(Value& value, unsigned depth) {
        enter(depth);
        value.kind = Value::Kind::Object;
        advance();  // '{'
        skip_whitespace();
        if (!at_end() && peek() == '}') {
            advance();
            return;
        }
        for (;;) {
            skip_whitespace();
            if (at_end())
                fail("unexpected end of file (expected a field name or '}')");
            if (peek() != '"') {
                if (peek() == '}')
                    fail("trailing comma before '}' is not allowed");
                fail("unexpected " + describe_next() + " (expected a field name in double quotes)");
            }
            Member member;
            member.key_position = m_position;
            member.key = parse_string();
            for (auto& existing : value.members)
                if (existing.key == member.key)
                    fail_at(member.key_position, "duplicate field \"" + member.key + "\"");
            skip_whitespace();
            if (at_end() || peek() != ':')
                fail("unexpected " + describe_next() + " (expected ':' after \"" + member.key + "\")");
            advance();
            skip_whitespace();
            m_path.push_back(member.key);
            member.value = parse_value(depth + 1);
            m_path.pop_back();
            value.members.push_back(std::move(member));
            skip_whitespace();
            if (at_end())
                fail("unexpected end of file (expected ',' or '}')");
            if (peek() == ',') {
                advance();
                continue;
            }
            if (peek() == '}') {
                advance();
                return;
            }
            fail("unexpected " + describe_next() + " (expected ',' or '}')");
        }
    }

    void parse_array(Value& value, unsigned depth) {
        enter(depth);
        value.kind = Value::Kind::Array;
        advance();  // '['
        skip_whitespace();
        if (!at_end() && peek() == ']') {
            advance();
            return;
        }
        for (;;) {
            skip_whitespace();
            if (!at_end() && peek() == ']')
                fail("trailing comma before ']' is not allowed");
            m_path.push_back("[" + std::to_string(value.items.size()) + "]");
            value.items.push_back(parse_value(depth + 1));
            m_path.pop_back();
            skip_whitespace();
            if (at_end())
                fail("unexpected end of file (expected ',' or ']')");
            if (peek() == ',') {
                advance();
                continue;
            }
            if (peek() == ']') {
                advance();
                return;
            }
            fail("unexpected " + describe_next() + " (expected ',' or ']')");
        }
    }

    std::string parse_number() {
        std::size_t start = m_offset;
        Position start_position = m_position;
        auto digits = [&] {
            std::size_t count = 0;
            while (!at_end() && peek() >= '0' && peek() <= '9') {
                advance();
                ++count;
            }
            return count;
        };
        if (peek() == '-')
            advance();
        if (!at_end() && peek() == '0') {
            advance();
            if (!at_end() && peek() >= '0' && peek() <= '9')
                fail_at(start_position, "numbers must not have leading zeros");
        } else if (digits() == 0) {
            fail_at(start_position, "invalid number");
        }
        if (!at_end() && peek() == '.') {
            advance();
            if (digits() == 0)
                fail("invalid number: expected digits after '.'");
        }
        if (!at_end() && (peek() == 'e' || peek() == 'E')) {
            advance();
            if (!at_end() && (peek() == '+' || peek() == '-'))
                advance();
            if (digits() == 0)
                fail("invalid number: expected digits in the exponent");
        }
        if (!at_end() && std::isalnum(static_cast<unsigned char>(peek())))
            fail_at(start_position, "invalid value (strings need double quotes)");
        return std::string(m_input.substr(start, m_offset - start));
    }

    unsigned parse_hex4() {
        unsigned code = 0;
        for (int i = 0; i < 4; ++i) {
            if (at_end())
                fail("unexpected end of file in a \\u escape");
            char c = peek();
            unsigned digit;
            if (c >= '0' && c <= '9')
                digit = c - '0';
            else if (c >= 'a' && c <= 'f')
                digit = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                digit = c - 'A' + 10;
            else
                fail("invalid \\u escape: expected 4 hex digits");
            code = code * 16 + digit;
            advance();
        }
        return code;
    }

    static void append_utf8(std::string& out, unsigned code) {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        }
    }

    std::string parse_string() {
        Position start = m_position;
        advance();  // opening quote
        std::string out;
        for (;;) {
            if (at_end())
                fail_at(start, "unterminated string");
            unsigned char c = static_cast<unsigned char>(peek());
            if (c == '"') {
                advance();
                return out;
            }
            if (c == '\n')
                fail_at(start, "unterminated string (a string cannot span lines)");
            if (c < 0x20)
                fail("control characters must be escaped in strings");
            if (c != '\\') {
                out += static_cast<char>(c);
                advance();
                continue;
            }
            Position escape = m_position;
            advance();
            if (at_end())
                fail_at(start, "unterminated string");
            char e = peek();
            advance();
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned code = parse_hex4();
                if (code >= 0xD800 && code < 0xDC00) {
                    if (m_input.substr(m_offset, 2) != "\\u")
                        fail_at(escape, "invalid \\u escape: unpaired surrogate");
                    advance(2);
                    unsigned low = parse_hex4();
                    if (low < 0xDC00 || low >= 0xE000)
                        fail_at(escape, "invalid \\u escape: unpaired surrogate");
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                } else if (code >= 0xDC00 && code < 0xE000) {
                    fail_at(escape, "invalid \\u escape: unpaired surrogate");
                }
                append_utf8(out, code);
                break;
            }
            default:
                fail_at(escape, std::string("invalid escape '\\") + e + "' in a string");
            }
        }
    }

    std::string_view m_input;
    std::size_t m_offset = 0;
    Position m_position;
    std::vector<std::string> m_path;
};

} // namespace

Value parse(std::string_view input) { return Reader(input).document(); }

const char* describe(Value::Kind kind) {
    switch (kind) {
    case Value::Kind::Null: return "null";
    case Value::Kind::Bool: return "a boolean";
    case Value::Kind::Number: return "a number";
    case Value::Kind::String: return "a string";
    case Value::Kind::Array: return "a list";
    case Value::Kind::Object: return "an object";
    }
    return "a value";
}

} // namespace ops::json
