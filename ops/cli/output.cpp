// output.cpp: tables, JSON and the shared ls/cat/tree/cp printers.
#include "ops/cli/output.h"

#include "ops/base/progress.h"
#include "ops/cli/context.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace ops {

void print_table(const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths(headers.size(), 0);
    for (std::size_t i = 0; i < headers.size(); i++)
        widths[i] = headers[i].size();
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size() && i < widths.size(); i++)
            widths[i] = std::max(widths[i], row[i].size());
    auto print_row = [&](const std::vector<std::string>& row, bool upper) {
        std::string line;
        for (std::size_t i = 0; i < row.size() && i < widths.size(); i++) {
            std::string cell = row[i];
            if (upper)
                std::transform(cell.begin(), cell.end(), cell.begin(),
                               [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
            line += cell;
            if (i + 1 < row.size())
                line += std::string(widths[i] - cell.size() + 2, ' ');
        }
        std::printf("%s\n", line.c_str());
    };
    print_row(headers, true);
    for (const auto& row : rows)
        print_row(row, false);
}

void print_json(const nlohmann::json& value) {
    std::printf("%s\n",
                value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

nlohmann::json entry_json(const EntryInfo& entry) {
    nlohmann::json object = {{"name", entry.name},
                             {"path", entry.path},
                             {"type", entry_type_name(entry.type)},
                             {"size_bytes", entry.size_bytes}};
    if (entry.type == EntryType::symlink)
        object["link_target"] = entry.link_target;
    return object;
}

void print_listing(const Context& context, const ImageReader& reader, const std::string& path,
                   bool long_format) {
    std::vector<EntryInfo> entries = reader.list(path);
    if (context.json) {
        nlohmann::json array = nlohmann::json::array();
        for (const EntryInfo& entry : entries)
            array.push_back(entry_json(entry));
        print_json(array);
        return;
    }
    if (!long_format) {
        for (const EntryInfo& entry : entries)
            std::printf("%s\n", entry.name.c_str());
        return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const EntryInfo& entry : entries) {
        std::string name = entry.name;
        if (entry.type == EntryType::symlink)
            name += " -> " + entry.link_target;
        rows.push_back({entry_type_name(entry.type), std::to_string(entry.size_bytes), name});
    }
    print_table({"type", "size", "name"}, rows);
}

void print_file(const ImageReader& reader, const std::string& path) {
    reader.read(path, [](std::span<const std::uint8_t> piece) {
        std::fwrite(piece.data(), 1, piece.size(), stdout);
    });
    std::fflush(stdout);
}

void print_tree(const Context& context, const ImageReader& reader, const std::string& path) {
    if (context.json) {
        // Entries arrive depth first; a stack of open directories builds the nesting.
        std::vector<nlohmann::json> stack;
        std::vector<unsigned> depths;
        auto close_to = [&](unsigned depth) {
            while (!depths.empty() && depths.back() >= depth && stack.size() > 1) {
                nlohmann::json done = std::move(stack.back());
                stack.pop_back();
                depths.pop_back();
                stack.back()["children"].push_back(std::move(done));
            }
        };
        reader.walk(path, [&](const EntryInfo& entry, unsigned depth) {
            close_to(depth);
            nlohmann::json object = entry_json(entry);
            if (entry.type == EntryType::directory)
                object["children"] = nlohmann::json::array();
            stack.push_back(std::move(object));
            depths.push_back(depth);
        });
        close_to(1);
        print_json(stack.empty() ? nlohmann::json::object() : stack.front());
        return;
    }
    // "├── name" lines: whether each ancestor level has later siblings decides "│   " or "    ".
    std::vector<EntryInfo> entries;
    std::vector<unsigned> depths;
    reader.walk(path, [&](const EntryInfo& entry, unsigned depth) {
        entries.push_back(entry);
        depths.push_back(depth);
    });
    std::vector<bool> more_at; // more_at[d]: a later sibling at depth d follows
    for (std::size_t i = 0; i < entries.size(); i++) {
        unsigned depth = depths[i];
        std::string name = entries[i].name;
        if (entries[i].type == EntryType::symlink)
            name += " -> " + entries[i].link_target;
        if (depth == 0) {
            std::printf("%s\n", entries[i].path.c_str());
            continue;
        }
        bool last = true;
        for (std::size_t j = i + 1; j < entries.size() && depths[j] >= depth; j++)
            if (depths[j] == depth) {
                last = false;
                break;
            }
        more_at.resize(depth + 1);
        more_at[depth] = !last;
        std::string prefix;
        for (unsigned d = 1; d < depth; d++)
            prefix += more_at[d] ? "│   " : "    ";
        prefix += last ? "└── " : "├── ";
        std::printf("%s%s\n", prefix.c_str(), name.c_str());
    }
}

void copy_out_with_progress(const Context& context, const ImageReader& reader,
                            const CopyOutRequest& request) {
    std::uint64_t total = context.terminal.error_interactive ? copy_out_bytes(reader, request) : 0;
    Progress progress(context.terminal, "copying from " + reader.file().filename().string(), total);
    std::uint64_t copied = copy_out(reader, request, &progress);
    context.log.debug("copied " + std::to_string(copied) + " bytes from " + reader.file().string());
}

CopyOutRequest CopyOutArguments::request() const {
    CopyOutRequest request;
    request.sources.assign(paths.begin(), paths.end() - 1);
    request.destination = paths.back();
    request.recursive = recursive;
    request.dereference = dereference;
    return request;
}

void add_copy_out_arguments(CLI::App& app, CopyOutArguments& arguments,
                            const std::string& container) {
    app.add_option("paths", arguments.paths,
                   "Source paths in the " + container + ", then the host destination")
        ->required()
        ->expected(2, -1);
    app.add_flag("-r,--recursive", arguments.recursive, "Copy directories");
    app.add_flag("-L,--dereference", arguments.dereference, "Copy what symlinks point to");
}

} // namespace ops
