// json_reader.h: a strict RFC 8259 JSON reader that remembers where every value and key starts,
// so config errors can name a line and column. The typed config.json model lives in config.h.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ops::json {

// A position in the input: 1-based line, 1-based column counted in characters (UTF-8 code points).
struct Position {
    unsigned line = 1;
    unsigned column = 1;
};

// Bounds on untrusted input (STYLE 11). config.json files are hand-written and small.
inline constexpr std::size_t kMaxInputBytes = 16 * 1024 * 1024;
// Deep nesting only happens in ManifestPassthrough; 64 levels is far more than any manifest uses
// and keeps the recursive reader's stack use small.
inline constexpr unsigned kMaxDepth = 64;

struct Member;

struct Value {
    enum class Kind { Null, Bool, Number, String, Array, Object };

    Kind kind = Kind::Null;
    Position position;
    bool boolean = false;
    std::string text;  // string contents (decoded), or the number exactly as written
    std::vector<Value> items;
    std::vector<Member> members;  // in file order; duplicates are rejected by the reader
};

struct Member {
    std::string key;
    Position key_position;
    Value value;
};

// Thrown for malformed JSON. `path` is the dotted field path of the innermost value being read
// ("RunConfig.Ports[2]"), empty at the top level.
struct SyntaxError {
    Position position;
    std::string path;
    std::string message;
};

// Parses one JSON document (surrounding whitespace allowed). Throws SyntaxError.
// Duplicate keys in one object are an error (matching is exact here; the config decoder also
// rejects keys that differ only in case).
Value parse(std::string_view input);

// A short noun for a kind ("a string", "an object"), for messages.
const char* describe(Value::Kind kind);

} // namespace ops::json
