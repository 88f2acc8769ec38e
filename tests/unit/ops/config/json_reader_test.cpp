// Tests for ops/config/json_reader.cpp: values, positions, and syntax errors.
#include "ops/config/json_reader.h"

#include <gtest/gtest.h>

namespace ops::json {
namespace {

TEST(JsonReader, ParsesValuesWithPositions) {
    Value root = parse("{\n  \"a\": [1, -2.5e3, true, null],\n  \"b\": \"x\\u00e9\\n\"\n}");
    ASSERT_EQ(root.kind, Value::Kind::Object);
    ASSERT_EQ(root.members.size(), 2u);
    EXPECT_EQ(root.members[0].key, "a");
    EXPECT_EQ(root.members[0].key_position.line, 2u);
    EXPECT_EQ(root.members[0].key_position.column, 3u);
    const Value& a = root.members[0].value;
    ASSERT_EQ(a.items.size(), 4u);
    EXPECT_EQ(a.items[1].text, "-2.5e3");
    EXPECT_EQ(a.items[1].position.column, 12u);
    EXPECT_TRUE(a.items[2].boolean);
    EXPECT_EQ(a.items[3].kind, Value::Kind::Null);
    EXPECT_EQ(root.members[1].value.text, "x\xC3\xA9\n");
}

TEST(JsonReader, ColumnsCountCharactersNotBytes) {
    Value root = parse("{\"\xC3\xA9\xC3\xA9\": 1}");
    EXPECT_EQ(root.members[0].value.position.column, 8u);
}

TEST(JsonReader, DecodesSurrogatePairs) {
    EXPECT_EQ(parse("\"\\ud83d\\ude00\"").text, "\xF0\x9F\x98\x80");
}

struct BadJson {
    const char* input;
    unsigned line;
    unsigned column;
    const char* message_part;
    const char* path;
};

class JsonReaderErrors : public testing::TestWithParam<BadJson> {};

TEST_P(JsonReaderErrors, ReportsPosition) {
    const BadJson& bad = GetParam();
    try {
        parse(bad.input);
        FAIL() << "no error for " << bad.input;
    } catch (const SyntaxError& e) {
        EXPECT_EQ(e.position.line, bad.line) << e.message;
        EXPECT_EQ(e.position.column, bad.column) << e.message;
        EXPECT_NE(e.message.find(bad.message_part), std::string::npos) << e.message;
        EXPECT_EQ(e.path, bad.path);
    }
}

INSTANTIATE_TEST_SUITE_P(
    BadJsonInputs, JsonReaderErrors,
    testing::Values(BadJson{"", 1, 1, "end of file", ""},
                    BadJson{"{", 1, 2, "end of file", ""},
                    BadJson{"{\"a\": 1,}", 1, 9, "trailing comma", ""},
                    BadJson{"[1, 2,]", 1, 7, "trailing comma", ""},
                    BadJson{"{\"a\" 1}", 1, 6, "expected ':'", ""},
                    BadJson{"{\"a\": 1 \"b\": 2}", 1, 9, "expected ',' or '}'", ""},
                    BadJson{"{\n  \"RunConfig\": {\n    \"Memory\": 2G\n  }\n}", 3, 15,
                            "double quotes", "RunConfig.Memory"},
                    BadJson{"{\"a\": \"unterminated}", 1, 7, "unterminated string", "a"},
                    BadJson{"{\"a\": 'x'}", 1, 7, "double quotes", "a"},
                    BadJson{"{\"a\": 01}", 1, 7, "leading zeros", "a"},
                    BadJson{"{\"a\": 1.}", 1, 9, "digits after '.'", "a"},
                    BadJson{"{\"a\": tru}", 1, 7, "expected a value", "a"},
                    BadJson{"{\"a\": yes}", 1, 7, "double quotes", "a"},
                    BadJson{"{\"a\": \"\\x\"}", 1, 8, "invalid escape", "a"},
                    BadJson{"{\"a\": \"\\ud800\"}", 1, 8, "surrogate", "a"},
                    BadJson{"{\"a\": 1, \"a\": 2}", 1, 10, "duplicate field", ""},
                    BadJson{"// c\n{}", 1, 1, "comments", ""},
                    BadJson{"{} {}", 1, 4, "after the end", ""},
                    BadJson{"{\"a\": [1, {\"b\": x}]}", 1, 17, "double quotes", "a[1].b"},
                    BadJson{"{\"a\": [1, {\"b\": -}]}", 1, 17, "invalid number", "a[1].b"},
                    BadJson{"\"tab\there\"", 1, 5, "control characters", ""}));

TEST(JsonReader, RejectsDeepNesting) {
    std::string deep(100, '[');
    EXPECT_THROW(parse(deep), SyntaxError);
}

} // namespace
} // namespace ops::json
