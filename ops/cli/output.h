// output.h: how commands print results on stdout: aligned tables for people, JSON arrays of
// objects with stable lowercase keys for scripts (-j/--json), and the file-system listings that
// `ops image` and `ops volume` share (ls, cat, cp, tree).
#pragma once

#include "ops/image/image_reader.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace ops {

struct Context;

// Columns padded to the widest cell, two spaces apart; the header row is upper case.
void print_table(const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows);
// Indented JSON and a newline.
void print_json(const nlohmann::json& value);

// {"name", "path", "type", "size_bytes", "link_target"}.
nlohmann::json entry_json(const EntryInfo& entry);

// What the shared reader commands do, on an opened image or volume.
// ls: names (one per line), -l: type, size and name (-> target), --json: entry objects.
void print_listing(const Context& context, const ImageReader& reader, const std::string& path,
                   bool long_format);
// cat: the file's bytes on stdout.
void print_file(const ImageReader& reader, const std::string& path);
// tree: an indented tree from `path`; --json: nested {"name", "type", ..., "children": [...]}.
void print_tree(const Context& context, const ImageReader& reader, const std::string& path);
// cp: copy_out with a progress line when it takes longer than a second.
void copy_out_with_progress(const Context& context, const ImageReader& reader,
                            const CopyOutRequest& request);

// What `cp` takes after the image or volume: source paths, then the host destination, and -r/-L.
struct CopyOutArguments {
    std::vector<std::string> paths;
    bool recursive = false;
    bool dereference = false;

    CopyOutRequest request() const;
};
// Adds those arguments to `app`; `container` ("image", "volume") is named in their help.
void add_copy_out_arguments(CLI::App& app, CopyOutArguments& arguments,
                            const std::string& container);

} // namespace ops
