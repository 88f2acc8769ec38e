// ld_so_conf.cpp: ld.so.conf parsing and include globbing below a Sysroot.
#include "ops/image/ld_so_conf.h"

#include "ops/image/image_tree.h"

#include <algorithm>
#include <fstream>
#include <glob.h>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>

namespace ops {

namespace {

std::string_view trim(std::string_view text) {
    const char* space = " \t\r\f\v";
    std::size_t first = text.find_first_not_of(space);
    if (first == std::string_view::npos)
        return {};
    std::size_t last = text.find_last_not_of(space);
    return text.substr(first, last - first + 1);
}

// Whitespace-separated words.
std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> words;
    std::istringstream in{std::string(text)};
    for (std::string word; in >> word;)
        words.push_back(word);
    return words;
}

bool starts_with_keyword(std::string_view line, std::string_view keyword) {
    return line.size() > keyword.size() && line.substr(0, keyword.size()) == keyword &&
           (line[keyword.size()] == ' ' || line[keyword.size()] == '\t');
}

// The file's text, or nothing when it is missing, unreadable, not a regular file or too large.
std::optional<std::string> read_small_file(const std::filesystem::path& host) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(host, error))
        return std::nullopt;
    std::uintmax_t size = std::filesystem::file_size(host, error);
    if (error || size > kMaxLdSoConfBytes)
        return std::nullopt;
    std::ifstream in(host, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Image paths of the files `pattern` (absolute image path) matches below the root, sorted.
std::vector<std::string> glob_below(const Sysroot& root, const std::string& pattern) {
    std::filesystem::path host = root.host_path(pattern);
    if (host.empty())
        return {};
    glob_t matches{};
    std::vector<std::string> out;
    if (::glob(host.c_str(), 0, nullptr, &matches) == 0)
        for (std::size_t i = 0; i < matches.gl_pathc; i++)
            out.push_back(root.image_path_of(matches.gl_pathv[i]));
    ::globfree(&matches);
    return out;
}

class Reader {
public:
    explicit Reader(const Sysroot& root) : m_root(root) {}

    void read(const std::string& file, int depth) {
        if (depth > kMaxLdSoConfDepth || m_files_read >= kMaxLdSoConfFiles ||
            !m_seen_files.insert(file).second)
            return;
        std::filesystem::path host = m_root.host_path(file);
        if (host.empty())
            return;
        std::optional<std::string> text = read_small_file(host);
        m_files_read++;
        if (!text)
            return;
        for (const LdSoConfLine& line : parse_ld_so_conf(*text)) {
            if (line.kind == LdSoConfLine::Kind::include) {
                for (const std::string& match :
                     glob_below(m_root, join_image_path(image_directory(file), line.text)))
                    read(match, depth + 1);
            } else if (std::find(m_directories.begin(), m_directories.end(), line.text) ==
                       m_directories.end()) {
                m_directories.push_back(line.text);
            }
        }
    }

    std::vector<std::string> take() { return std::move(m_directories); }

private:
    const Sysroot& m_root;
    std::set<std::string> m_seen_files;
    std::size_t m_files_read = 0;
    std::vector<std::string> m_directories;
};

} // namespace

std::vector<LdSoConfLine> parse_ld_so_conf(std::string_view text) {
    std::vector<LdSoConfLine> out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        line = trim(line.substr(0, line.find('#')));
        if (line.empty() || starts_with_keyword(line, "hwcap"))
            continue;
        if (starts_with_keyword(line, "include")) {
            for (std::string& pattern : words_of(line.substr(7)))
                out.push_back({LdSoConfLine::Kind::include, std::move(pattern)});
            continue;
        }
        line = trim(line.substr(0, line.find('=')));
        while (line.size() > 1 && line.back() == '/')
            line.remove_suffix(1);
        if (!line.empty() && line.front() == '/')
            out.push_back({LdSoConfLine::Kind::directory, std::string(line)});
    }
    return out;
}

std::vector<std::string> read_ld_so_conf(const Sysroot& root, const std::string& file) {
    Reader reader(root);
    reader.read(image_path(file), 0);
    return reader.take();
}

} // namespace ops
