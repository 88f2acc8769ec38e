// filesystem.cpp: mounting (log replay), path resolution and extent-based file reads (tfs.md 6).
// Extents are re-scanned on every read: files have few of them, and this keeps reads
// allocation-free.
#include "common/tfs/filesystem.h"

namespace tfs {

NodeType node_type(const Value* node) {
    if (!node || !node->is_tuple())
        return NodeType::other;
    const Value* children = tuple_get(node, "children");
    if (children && children->is_tuple())
        return NodeType::directory;
    if (tuple_get(node, "linktarget"))
        return NodeType::symlink;
    const Value* extents = tuple_get(node, "extents");
    if (extents && extents->is_tuple())
        return NodeType::file;
    return NodeType::other;
}

const Value* directory_entries(const Value* dir) {
    const Value* children = tuple_get(dir, "children");
    return children && children->is_tuple() ? children : nullptr;
}

const Value* lookup_child(const Value* dir, Bytes name) {
    return tuple_get(directory_entries(dir), name);
}

Error file_length(const Value* file, uint64_t* out) {
    const Value* v = tuple_get(file, "filelength");
    if (!v) {
        *out = 0;
        return Error::none;
    }
    return value_as_u64(v, out) ? Error::none : Error::corrupt;
}

bool symlink_target(const Value* node, Bytes* out) {
    return value_as_string(tuple_get(node, "linktarget"), out);
}

uint64_t link_count(const Value* node) {
    uint64_t n;
    if (!value_as_u64(tuple_get(node, "nlink"), &n) || n == 0)
        return 1;
    return n;
}

Error Filesystem::mount(BlockSource& source, const MountOptions& options) {
    if (m_source)
        return Error::invalid_argument;
    ReplayOptions replay;
    replay.fs_bytes = options.fs_bytes;
    replay.observer = options.observer;
    replay.updates = options.updates;
    TFS_TRY(replay_log(source, replay, m_allocator, m_tree, m_dictionary, &m_header));
    const Value* root = m_dictionary.value(1);
    if (!root || !root->is_tuple())
        return Error::no_root;
    m_root = root;
    m_source = &source;
    m_fs_bytes = options.fs_bytes;
    return Error::none;
}

Error Filesystem::resolve(Bytes path, Lookup* out) const {
    if (!m_root)
        return Error::no_root;
    // Parents of the current node, for "..".
    const Value* stack[kMaxPathDepth];
    size_t depth = 0;
    const Value* node = m_root;
    size_t i = 0;
    while (i < path.size()) {
        while (i < path.size() && path[i] == '/')
            i++;
        size_t start = i;
        while (i < path.size() && path[i] != '/')
            i++;
        Bytes name = path.slice(start, i - start);
        if (name.empty() || (name.size() == 1 && name[0] == '.'))
            continue;
        NodeType type = node_type(node);
        if (type == NodeType::symlink) {
            out->node = node;
            out->consumed = start; // up to and including the symlink's name (and its '/')
            while (out->consumed > 0 && path[out->consumed - 1] == '/')
                out->consumed--;
            return Error::symlink;
        }
        if (type != NodeType::directory)
            return Error::not_a_directory;
        if (name.size() == 2 && name[0] == '.' && name[1] == '.') {
            if (depth > 0)
                node = stack[--depth];
            continue;
        }
        const Value* child = lookup_child(node, name);
        if (!child || !child->is_tuple())
            return Error::not_found;
        if (depth == kMaxPathDepth)
            return Error::limit;
        stack[depth++] = node;
        node = child;
    }
    out->node = node;
    out->consumed = path.size();
    return Error::none;
}

namespace {

// One extent tuple, in file blocks and TFS sectors (6.3).
struct Extent {
    uint64_t key = 0;
    uint64_t length = 0;
    uint64_t offset = 0;
    bool uninited = false;
};

Error parse_extent(const Entry& entry, Extent* out) {
    Extent e;
    if (!parse_decimal(entry.name, &e.key))
        return Error::corrupt;
    const Value* t = entry.value;
    if (!t->is_tuple() || !value_as_u64(tuple_get(t, "length"), &e.length) ||
        !value_as_u64(tuple_get(t, "offset"), &e.offset))
        return Error::corrupt;
    // Block and sector numbers must stay addressable in bytes.
    constexpr uint64_t kMaxBlocks = UINT64_MAX / kSectorSize;
    if (e.key > kMaxBlocks || e.length > kMaxBlocks - e.key || e.offset > kMaxBlocks ||
        e.length > kMaxBlocks - e.offset)
        return Error::corrupt;
    e.uninited = tuple_get(t, "uninited") != nullptr;
    *out = e;
    return Error::none;
}

} // namespace

Error Filesystem::read_file(const Value* file, uint64_t offset, MutableBytes out,
                            size_t* done) const {
    *done = 0;
    if (!m_source)
        return Error::no_root;
    if (node_type(file) != NodeType::file)
        return Error::not_a_file;
    const Value* extents = tuple_get(file, "extents");
    uint64_t length;
    TFS_TRY(file_length(file, &length));
    if (offset >= length)
        return Error::none;
    uint64_t want = length - offset < out.size() ? length - offset : out.size();
    uint64_t position = offset;
    const uint64_t end = offset + want;
    while (position < end) {
        uint64_t block = position / kSectorSize;
        // The extent holding `block`, or the start of the next one (the end of a hole).
        const Extent* hit = nullptr;
        Extent found;
        uint64_t next_key = UINT64_MAX;
        for (size_t i = 0; i < extents->entry_count(); i++) {
            Extent e;
            TFS_TRY(parse_extent(extents->entry(i), &e));
            if (e.key <= block && block < e.key + e.length) {
                found = e;
                hit = &found;
                break;
            }
            if (e.key > block && e.key < next_key)
                next_key = e.key;
        }
        uint64_t run_end = hit ? (hit->key + hit->length) * kSectorSize
                               : (next_key == UINT64_MAX ? end : next_key * kSectorSize);
        uint64_t take = (run_end < end ? run_end : end) - position;
        MutableBytes piece = out.slice(size_t(position - offset), size_t(take));
        if (!hit || hit->uninited) {
            fill_zero(piece.data(), piece.size());
        } else {
            uint64_t disk = hit->offset * kSectorSize + (position - hit->key * kSectorSize);
            if (m_fs_bytes && (disk > m_fs_bytes || take > m_fs_bytes - disk))
                return Error::corrupt;
            if (!m_source->read(disk, piece))
                return Error::io;
        }
        position += take;
    }
    *done = size_t(want);
    return Error::none;
}

} // namespace tfs
