// mutable_filesystem.cpp: the operations of a writable TFS as attribute updates (tfs.md 5.5, 7.3),
// the free map built at mount (6.8) and file writes through extents (6.3). Records are framed and
// written by log_tail.cpp.
#include "common/tfs/mutable_filesystem.h"

#include "common/tfs/extent_list.h"
#include "common/tfs/varint.h"

namespace tfs {

// Zeros written over holes and stale tails come from a buffer of this size.
static constexpr size_t kZeroBytes = 64 * 1024;
// Log room asked for by one step of a write: up to two records per changed extent plus the new
// filelength.
static constexpr uint64_t kStepRecords = 2 * kMaxExtentChangesPerStep + 1;
// Pieces (runs of blocks) one write step may touch: each changed extent, plus the existing ones
// it passes through.
static constexpr size_t kMaxPiecesPerStep = 2 * kMaxExtentChangesPerStep;

// Records, while the log is replayed, where it ends and which sectors it occupies.
class MutableFilesystem::MountObserver final : public LogObserver {
  public:
    MountObserver(RunList& used, LogObserver* next) : m_used(used), m_next(next) {}
    void on_extension(uint64_t sector, uint64_t sectors, uint64_t version) override {
        if (m_used.append(SectorRun{sector, sectors}) != Error::none)
            error = Error::no_memory;
        current = LogEnd{sector, sectors, version, 0};
        if (m_next)
            m_next->on_extension(sector, sectors, version);
    }
    void on_frame(uint64_t extension_sector, uint64_t offset, FrameCode code, uint64_t a,
                  uint64_t b) override {
        if (code == FrameCode::tuple_available)
            pending = a - b;
        else if (code == FrameCode::tuple_extended)
            pending -= a;
        else if (code == FrameCode::end_of_log) {
            end = current;
            end.offset = offset;
            saw_end = true;
        }
        if (m_next)
            m_next->on_frame(extension_sector, offset, code, a, b);
    }
    LogEnd current;
    LogEnd end;
    bool saw_end = false;
    uint64_t pending = 0;
    Error error = Error::none;

  private:
    RunList& m_used;
    LogObserver* m_next;
};

MutableFilesystem::MutableFilesystem(common::Allocator& allocator)
    : m_allocator(allocator), m_fs(allocator), m_encoder(allocator), m_record(allocator),
      m_log(allocator), m_free(allocator), m_deferred_free(allocator), m_log_extensions(allocator) {
}

MutableFilesystem::~MutableFilesystem() {
    if (m_zeros)
        m_allocator.deallocate(m_zeros, kZeroBytes);
}

static Error parse_extent(const Entry& entry, uint64_t fs_sectors, Value** tuple, uint64_t* key,
                          uint64_t* length, uint64_t* allocated, uint64_t* offset) {
    if (!parse_decimal(entry.name, key) || !entry.value->is_tuple())
        return Error::corrupt;
    const Value* t = entry.value;
    if (!value_as_u64(tuple_get(t, attribute("length")), length) ||
        !value_as_u64(tuple_get(t, attribute("offset")), offset))
        return Error::corrupt;
    if (!value_as_u64(tuple_get(t, attribute("allocated")), allocated) || *allocated < *length)
        *allocated = *length;
    if (*key > kMaxFileBytes / kSectorSize || *length > kMaxFileBytes / kSectorSize ||
        *offset > fs_sectors || *allocated > fs_sectors - *offset)
        return Error::corrupt;
    *tuple = entry.value;
    return Error::none;
}

Error MutableFilesystem::collect_used(const Value* node, unsigned depth, RunList& used) {
    if (depth > kMaxNesting)
        return Error::limit;
    const Value* children = directory_entries(node);
    for (size_t i = 0; i < children->entry_count(); i++) {
        const Value* child = children->entry(i).value;
        NodeType type = node_type(child);
        if (type == NodeType::directory) {
            TFS_TRY(collect_used(child, depth + 1, used));
            continue;
        }
        if (type != NodeType::file)
            continue;
        const Value* extents = tuple_get(child, attribute("extents"));
        for (size_t j = 0; j < extents->entry_count(); j++) {
            Value* tuple;
            uint64_t key, length, allocated, offset;
            TFS_TRY(parse_extent(extents->entry(j), m_fs_sectors, &tuple, &key, &length, &allocated,
                                 &offset));
            if (allocated)
                TFS_TRY(used.append(SectorRun{offset, allocated}));
        }
    }
    return Error::none;
}

Error MutableFilesystem::mount(BlockSource& source, BlockSink& sink, const MountOptions& options) {
    if (m_source || options.fs_bytes < 2 * kSectorSize)
        return Error::invalid_argument;
    RunList used(m_allocator);
    MountObserver observer(used, options.observer);
    MountOptions replay = options;
    replay.observer = &observer;
    replay.updates = &m_stats;
    TFS_TRY(m_fs.mount(source, replay));
    TFS_TRY(observer.error);
    // So far `used` holds the log's extensions, sector 0 first.
    for (size_t i = 1; i < used.size(); i++)
        TFS_TRY(m_log_extensions.append(used[i]));
    // A record cut off by END_OF_LOG cannot be continued: a new TUPLE_AVAILABLE after it would
    // make the whole log unreadable (4.2).
    if (!observer.saw_end || observer.pending)
        return Error::corrupt;
    m_fs_sectors = options.fs_bytes / kSectorSize;
    TFS_TRY(m_encoder.continue_from(m_fs.m_dictionary));
    TFS_TRY(collect_used(m_fs.root(), 0, used));
    TFS_TRY(m_free.build(0, m_fs_sectors, used));
    TFS_TRY(m_log.open(source, sink, observer.end));
    m_zeros = static_cast<uint8_t*>(m_allocator.allocate(kZeroBytes, 1));
    if (!m_zeros)
        return Error::no_memory;
    fill_zero(m_zeros, kZeroBytes);
    m_source = &source;
    m_sink = &sink;
    return Error::none;
}

Error MutableFilesystem::check_writable() const {
    if (!m_source)
        return Error::invalid_argument;
    return m_broken ? Error::broken : Error::none;
}

Error MutableFilesystem::update(Value* tuple, Bytes name, Value* value) {
    // After a compaction only what the root reaches is numbered: a tuple that is not is an orphan
    // (an open file without a name), which nothing on disk refers to, so it needs no record.
    bool logged = m_encoder.is_numbered(tuple);
    m_record.clear();
    Error error = Error::none;
    if (logged)
        error = m_encoder.encode_update(tuple, name, value, m_record);
    if (error == Error::none && logged) {
        m_stats.on_update(tuple_get(tuple, name), value);
        error = m_log.append(m_record.bytes());
    }
    if (error == Error::none) {
        if (value)
            error = m_fs.m_tree.set(tuple, name, value);
        else
            m_fs.m_tree.remove(tuple, name);
    }
    if (error != Error::none) {
        // The encoder may have numbered objects that no record carries: stop here.
        m_broken = true;
        return Error::broken;
    }
    return Error::none;
}

Value* MutableFilesystem::integer(uint64_t v) {
    return m_fs.m_tree.make_integer(v);
}

Error MutableFilesystem::stored_name(Bytes name, Bytes* out) {
    return m_fs.m_tree.copy(name, out) ? Error::none : Error::no_memory;
}

static Error check_name(Bytes name) {
    if (name.size() > kMaxNameBytes)
        return Error::name_too_long;
    if (name.empty() || (name.size() == 1 && name[0] == '.') ||
        (name.size() == 2 && name[0] == '.' && name[1] == '.'))
        return Error::invalid_argument;
    for (uint8_t c : name)
        if (c == '/' || c == 0)
            return Error::invalid_argument;
    return Error::none;
}

// The name bytes a directory stores for `name` (they live in the tree), or empty if absent.
static Bytes entry_name(const Value* children, Bytes name) {
    for (size_t i = 0; i < children->entry_count(); i++)
        if (common::bytes_equal(children->entry(i).name, name))
            return children->entry(i).name;
    return Bytes();
}

Error MutableFilesystem::add_times(Value* node, uint64_t time) {
    if (time == 0)
        return Error::none;
    Value* atime = integer(time);
    Value* mtime = integer(time);
    if (!atime || !mtime)
        return Error::no_memory;
    TFS_TRY(m_fs.m_tree.set(node, attribute("atime"), atime));
    return m_fs.m_tree.set(node, attribute("mtime"), mtime);
}

Error MutableFilesystem::create_node(const Value* dir, Bytes name, Value* node, const Value** out) {
    Value* children = mutable_node(directory_entries(dir));
    Bytes stored;
    TFS_TRY(stored_name(name, &stored));
    TFS_TRY(update(children, stored, node));
    if (out)
        *out = node;
    return Error::none;
}

// Checks shared by the create calls, then room in the log for one record.
static Error check_create(const Value* dir, Bytes name) {
    if (node_type(dir) != NodeType::directory)
        return Error::not_a_directory;
    TFS_TRY(check_name(name));
    if (lookup_child(dir, name))
        return Error::exists;
    return Error::none;
}

Error MutableFilesystem::create_file(const Value* dir, Bytes name, uint64_t time,
                                     const Value** out) {
    TFS_TRY(check_writable());
    TFS_TRY(check_create(dir, name));
    TFS_TRY(begin_operation(name.size() + 2 * kRecordEstimate, 1));
    Value* node = m_fs.m_tree.make_tuple();
    Value* extents = m_fs.m_tree.make_tuple();
    if (!node || !extents)
        return Error::no_memory;
    TFS_TRY(m_fs.m_tree.set(node, attribute("extents"), extents));
    TFS_TRY(add_times(node, time));
    return create_node(dir, name, node, out);
}

Error MutableFilesystem::create_directory(const Value* dir, Bytes name, uint64_t time,
                                          const Value** out) {
    TFS_TRY(check_writable());
    TFS_TRY(check_create(dir, name));
    TFS_TRY(begin_operation(name.size() + 2 * kRecordEstimate, 1));
    Value* node = m_fs.m_tree.make_tuple();
    Value* children = m_fs.m_tree.make_tuple();
    if (!node || !children)
        return Error::no_memory;
    TFS_TRY(m_fs.m_tree.set(node, attribute("children"), children));
    TFS_TRY(add_times(node, time));
    return create_node(dir, name, node, out);
}

Error MutableFilesystem::create_symlink(const Value* dir, Bytes name, Bytes target, uint64_t time,
                                        const Value** out) {
    TFS_TRY(check_writable());
    TFS_TRY(check_create(dir, name));
    // An empty target would read as "absent" to the ops reader (5.7).
    if (target.empty() || target.size() > kMaxSymlinkBytes)
        return Error::invalid_argument;
    TFS_TRY(begin_operation(name.size() + target.size() + 2 * kRecordEstimate, 1));
    Value* node = m_fs.m_tree.make_tuple();
    Value* link = m_fs.m_tree.make_string(target);
    if (!node || !link)
        return Error::no_memory;
    TFS_TRY(m_fs.m_tree.set(node, attribute("linktarget"), link));
    TFS_TRY(add_times(node, time));
    return create_node(dir, name, node, out);
}

Error MutableFilesystem::link(const Value* dir, Bytes name, const Value* existing) {
    TFS_TRY(check_writable());
    TFS_TRY(check_create(dir, name));
    NodeType type = node_type(existing);
    if (type == NodeType::directory)
        return Error::is_a_directory;
    if (!existing || !existing->is_tuple())
        return Error::invalid_argument;
    TFS_TRY(begin_operation(name.size() + 2 * kRecordEstimate, 2));
    Value* count = integer(link_count(existing) + 1);
    if (!count)
        return Error::no_memory;
    // The new name is a reference to the existing tuple (5.5); a 0-entry reference decodes to
    // the same object as the Nanos form that repeats every entry.
    TFS_TRY(create_node(dir, name, mutable_node(existing), nullptr));
    return update(mutable_node(existing), attribute("nlink"), count);
}

Error MutableFilesystem::defer_free(SectorRun run) {
    if (run.count)
        (void)m_deferred_free.append(run); // out of memory only leaks the run until remount
    return Error::none;
}

Error MutableFilesystem::release_file_data(const Value* file) {
    if (node_type(file) != NodeType::file)
        return Error::none;
    ExtentList list(m_allocator);
    TFS_TRY(load_extents(file, list));
    for (size_t i = 0; i < list.size(); i++)
        TFS_TRY(defer_free(SectorRun{list[i].offset, list[i].allocated}));
    return Error::none;
}

// A name of `node` went away: lower nlink, or free the data with the last name.
Error MutableFilesystem::forget_name(Value* node, bool* last_name) {
    uint64_t count = link_count(node);
    *last_name = count <= 1;
    if (*last_name)
        return release_file_data(node);
    Value* lower = integer(count - 1);
    if (!lower)
        return Error::no_memory;
    return update(node, attribute("nlink"), lower);
}

Error MutableFilesystem::remove(const Value* dir, Bytes name, LastName data) {
    TFS_TRY(check_writable());
    if (node_type(dir) != NodeType::directory)
        return Error::not_a_directory;
    Value* children = mutable_node(directory_entries(dir));
    Value* node = m_fs.m_tree.mutable_get(children, name);
    if (!node)
        return Error::not_found;
    if (node_type(node) == NodeType::directory && directory_entries(node)->entry_count() > 0)
        return Error::not_empty;
    TFS_TRY(begin_operation(name.size() + 2 * kRecordEstimate, 2));
    // Load the extents before the name goes, so an allocation failure changes nothing.
    ExtentList list(m_allocator);
    bool last_file = node_type(node) == NodeType::file && link_count(node) <= 1;
    if (last_file && data == LastName::keep)
        return update(children, entry_name(children, name), nullptr);
    if (last_file)
        TFS_TRY(load_extents(node, list));
    TFS_TRY(update(children, entry_name(children, name), nullptr));
    if (!last_file) {
        bool last;
        return forget_name(node, &last);
    }
    for (size_t i = 0; i < list.size(); i++)
        TFS_TRY(defer_free(SectorRun{list[i].offset, list[i].allocated}));
    return Error::none;
}

// True if `target` is `dir` or lies below it.
static bool contains(const Value* dir, const Value* target, unsigned depth) {
    if (dir == target)
        return true;
    if (depth > kMaxNesting)
        return true; // too deep to tell: refuse the move
    const Value* children = directory_entries(dir);
    for (size_t i = 0; children && i < children->entry_count(); i++) {
        const Value* child = children->entry(i).value;
        if (node_type(child) == NodeType::directory && contains(child, target, depth + 1))
            return true;
    }
    return false;
}

Error MutableFilesystem::rename(const Value* old_dir, Bytes old_name, const Value* new_dir,
                                Bytes new_name, LastName replaced) {
    TFS_TRY(check_writable());
    if (node_type(old_dir) != NodeType::directory || node_type(new_dir) != NodeType::directory)
        return Error::not_a_directory;
    TFS_TRY(check_name(new_name));
    Value* old_children = mutable_node(directory_entries(old_dir));
    Value* new_children = mutable_node(directory_entries(new_dir));
    Value* node = m_fs.m_tree.mutable_get(old_children, old_name);
    if (!node)
        return Error::not_found;
    Value* target = m_fs.m_tree.mutable_get(new_children, new_name);
    if (target == node)
        return Error::none; // the same name, or two names of one file: POSIX does nothing
    bool is_dir = node_type(node) == NodeType::directory;
    if (is_dir && contains(node, new_dir, 0))
        return Error::invalid_argument;
    if (target) {
        bool target_dir = node_type(target) == NodeType::directory;
        if (is_dir && !target_dir)
            return Error::not_a_directory;
        if (!is_dir && target_dir)
            return Error::is_a_directory;
        if (target_dir && directory_entries(target)->entry_count() > 0)
            return Error::not_empty;
    }
    TFS_TRY(begin_operation(new_name.size() + old_name.size() + 3 * kRecordEstimate, 3));
    Bytes stored_new;
    TFS_TRY(stored_name(new_name, &stored_new));
    Bytes stored_old = entry_name(old_children, old_name);
    TFS_TRY(update(new_children, stored_new, node));
    TFS_TRY(update(old_children, stored_old, nullptr));
    if (!target)
        return Error::none;
    if (replaced == LastName::keep && node_type(target) == NodeType::file &&
        link_count(target) <= 1)
        return Error::none;
    bool last;
    return forget_name(target, &last);
}

Error MutableFilesystem::adopt(const Value* dir, Bytes name, const Value* orphan) {
    TFS_TRY(check_writable());
    TFS_TRY(check_create(dir, name));
    if (node_type(orphan) != NodeType::file)
        return Error::invalid_argument;
    TFS_TRY(begin_operation(name.size() + 2 * kRecordEstimate, 2));
    TFS_TRY(create_node(dir, name, mutable_node(orphan), nullptr));
    if (!tuple_get(orphan, attribute("nlink")))
        return Error::none;
    return update(mutable_node(orphan), attribute("nlink"), nullptr);
}

Error MutableFilesystem::set_times(const Value* node, const NodeTimes& times) {
    TFS_TRY(check_writable());
    if (!node || !node->is_tuple())
        return Error::invalid_argument;
    TFS_TRY(begin_operation(2 * kRecordEstimate, 2));
    if (times.set_atime) {
        Value* v = integer(times.atime);
        if (!v)
            return Error::no_memory;
        TFS_TRY(update(mutable_node(node), attribute("atime"), v));
    }
    if (times.set_mtime) {
        Value* v = integer(times.mtime);
        if (!v)
            return Error::no_memory;
        TFS_TRY(update(mutable_node(node), attribute("mtime"), v));
    }
    return Error::none;
}

Error MutableFilesystem::load_extents(const Value* file, ExtentList& list) const {
    const Value* extents = tuple_get(file, attribute("extents"));
    if (!extents || !extents->is_tuple())
        return Error::not_a_file;
    for (size_t i = 0; i < extents->entry_count(); i++) {
        Extent e;
        TFS_TRY(parse_extent(extents->entry(i), m_fs_sectors, &e.tuple, &e.key, &e.length,
                             &e.allocated, &e.offset));
        e.uninited = tuple_get(e.tuple, attribute("uninited")) != nullptr;
        e.name = extents->entry(i).name;
        TFS_TRY(list.append(e));
    }
    list.sort();
    return Error::none;
}

// Writes file bytes [offset, offset + data.size()) that live in one run of blocks starting at
// file block `file_block`, disk sector `disk_sector`. Whole sectors go straight from data; a
// partial sector is read first unless `fresh` (newly allocated), and its bytes at or past
// old_length that data does not cover are zeroed, so padding and stale tails read as zeros.
Error MutableFilesystem::write_run(uint64_t disk_sector, uint64_t file_block, bool fresh,
                                   uint64_t old_length, uint64_t offset, Bytes data) {
    uint64_t base = disk_sector * kSectorSize;
    uint64_t first_byte = file_block * kSectorSize;
    size_t done = 0;
    while (done < data.size()) {
        uint64_t position = offset + done;
        uint64_t disk = base + (position - first_byte);
        size_t left = data.size() - done;
        if (position % kSectorSize == 0 && left >= kSectorSize) {
            size_t whole = left / kSectorSize * kSectorSize;
            if (!m_sink->write(disk, data.slice(done, whole)))
                return Error::io;
            done += whole;
            continue;
        }
        uint8_t sector[kSectorSize];
        uint64_t sector_file = position / kSectorSize * kSectorSize;
        uint64_t sector_disk = disk - (position - sector_file);
        if (fresh)
            fill_zero(sector, sizeof(sector));
        else if (!m_source->read(sector_disk, MutableBytes(sector, sizeof(sector))))
            return Error::io;
        for (size_t j = 0; j < kSectorSize; j++)
            if (sector_file + j >= old_length)
                sector[j] = 0;
        size_t skip = size_t(position - sector_file);
        size_t take = kSectorSize - skip < left ? kSectorSize - skip : left;
        copy_bytes(sector + skip, data.data() + done, take);
        if (!m_sink->write(sector_disk, Bytes(sector, sizeof(sector))))
            return Error::io;
        done += take;
    }
    return Error::none;
}

// Zeros the file bytes [from, to) that initialized extents hold: stale data past the old end
// that growing the file would otherwise expose. Writes only past `length` (invisible bytes).
Error MutableFilesystem::zero_range(const ExtentList& list, uint64_t from, uint64_t to,
                                    uint64_t length) {
    for (size_t i = 0; i < list.size(); i++) {
        const Extent& e = list[i];
        if (e.uninited)
            continue;
        uint64_t start = e.key * kSectorSize;
        uint64_t end = (e.key + e.length) * kSectorSize;
        uint64_t a = start > from ? start : from;
        uint64_t b = end < to ? end : to;
        while (a < b) {
            size_t n = b - a < kZeroBytes ? size_t(b - a) : kZeroBytes;
            TFS_TRY(write_run(e.offset, e.key, false, length, a, Bytes(m_zeros, n)));
            a += n;
        }
    }
    return Error::none;
}

// Gives an uninited extent real zeros before its flag goes (its sectors may hold anything).
Error MutableFilesystem::fill_extent_zero(const Extent& extent) {
    for (uint64_t s = 0; s < extent.length;) {
        uint64_t n = extent.length - s < kZeroBytes / kSectorSize ? extent.length - s
                                                                  : kZeroBytes / kSectorSize;
        if (!m_sink->write((extent.offset + s) * kSectorSize,
                           Bytes(m_zeros, size_t(n * kSectorSize))))
            return Error::io;
        s += n;
    }
    return Error::none;
}

namespace {
struct Piece {
    uint64_t file_block;
    uint64_t disk_sector;
    uint64_t blocks;
    bool fresh;
};
} // namespace

// One step of write(): plans which blocks go where (existing extents, growth in place, new
// extents), writes the data, then logs the extent changes and the new length.
Error MutableFilesystem::write_step(Value* file, uint64_t offset, Bytes data, size_t* done) {
    *done = 0;
    TFS_TRY(begin_operation(kStepRecords * kRecordEstimate, kStepRecords));
    ExtentList list(m_allocator);
    TFS_TRY(load_extents(file, list));
    uint64_t old_length;
    TFS_TRY(file_length(file, &old_length));
    const uint64_t end = offset + data.size();
    const uint64_t last_block = (end + kSectorSize - 1) / kSectorSize;
    Piece pieces[kMaxPiecesPerStep];
    size_t piece_count = 0;
    size_t changes = 0;
    uint64_t block = offset / kSectorSize;
    while (block < last_block && piece_count < kMaxPiecesPerStep &&
           changes < kMaxExtentChangesPerStep) {
        size_t after = list.upper_bound(block); // extents [0, after) start at or before block
        if (after > 0 && block < list[after - 1].key + list[after - 1].length) {
            Extent& e = list[after - 1];
            if (e.uninited) {
                TFS_TRY(fill_extent_zero(e));
                e.uninited = false;
                e.cleared_uninited = true;
                changes++;
            }
            uint64_t stop = e.key + e.length < last_block ? e.key + e.length : last_block;
            pieces[piece_count++] = Piece{block, e.offset + (block - e.key), stop - block, false};
            block = stop;
            continue;
        }
        uint64_t gap_end =
            after < list.size() && list[after].key < last_block ? list[after].key : last_block;
        uint64_t want = gap_end - block;
        Extent* previous = after > 0 && list[after - 1].key + list[after - 1].length == block &&
                                   !list[after - 1].uninited
                               ? &list[after - 1]
                               : nullptr;
        if (previous && previous->length < kMaxExtentBlocks) {
            uint64_t room = kMaxExtentBlocks - previous->length;
            uint64_t cap = want < room ? want : room;
            uint64_t got = 0;
            if (previous->allocated > previous->length) {
                // Sectors reserved earlier (allocated > length) are used in place.
                uint64_t spare = previous->allocated - previous->length;
                got = spare < cap ? spare : cap;
            } else if (reserve_log_extensions(kReservedLogExtensions) == Error::none) {
                got = m_free.allocate_at(previous->offset + previous->allocated, cap);
                previous->allocated += got;
                if (got)
                    previous->changed_allocated = true;
            }
            if (got) {
                pieces[piece_count++] =
                    Piece{block, previous->offset + previous->length, got, true};
                previous->length += got;
                if (!previous->changed_length)
                    changes++;
                previous->changed_length = true;
                block += got;
                continue;
            }
        }
        // The Nanos kernel keeps two log extensions in reserve before it allocates data (6.8).
        if (reserve_log_extensions(kReservedLogExtensions) != Error::none)
            break;
        uint64_t count = want < kMaxExtentBlocks ? want : kMaxExtentBlocks;
        uint64_t start;
        if (!m_free.allocate(count, &start))
            count = m_free.allocate_some(count, &start);
        if (count == 0) {
            m_space_short = true;
            break;
        }
        Extent fresh;
        fresh.key = block;
        fresh.length = count;
        fresh.allocated = count;
        fresh.offset = start;
        TFS_TRY(list.insert(after, fresh));
        changes++;
        pieces[piece_count++] = Piece{block, start, count, true};
        block += count;
    }
    uint64_t covered = block * kSectorSize < end ? block * kSectorSize : end;
    if (covered <= offset)
        return Error::no_space;

    for (size_t i = 0; i < piece_count; i++) {
        const Piece& p = pieces[i];
        uint64_t a = p.file_block * kSectorSize > offset ? p.file_block * kSectorSize : offset;
        uint64_t b = (p.file_block + p.blocks) * kSectorSize;
        if (b > covered)
            b = covered;
        if (a < b)
            TFS_TRY(write_run(p.disk_sector, p.file_block, p.fresh, old_length, a,
                              data.slice(size_t(a - offset), size_t(b - a))));
    }

    Value* extents = m_fs.m_tree.mutable_get(file, attribute("extents"));
    for (size_t i = 0; i < list.size(); i++) {
        Extent& e = list[i];
        if (!e.tuple) {
            uint8_t digits[20];
            Bytes key;
            Value* t = m_fs.m_tree.make_tuple();
            Value* allocated = integer(e.allocated);
            Value* length = integer(e.length);
            Value* sector = integer(e.offset);
            if (!t || !allocated || !length || !sector)
                return Error::no_memory;
            TFS_TRY(stored_name(Bytes(digits, format_decimal(e.key, digits)), &key));
            TFS_TRY(m_fs.m_tree.set(t, attribute("allocated"), allocated));
            TFS_TRY(m_fs.m_tree.set(t, attribute("length"), length));
            TFS_TRY(m_fs.m_tree.set(t, attribute("offset"), sector));
            TFS_TRY(update(extents, key, t));
            continue;
        }
        if (e.changed_allocated) {
            Value* v = integer(e.allocated);
            if (!v)
                return Error::no_memory;
            TFS_TRY(update(e.tuple, attribute("allocated"), v));
        }
        if (e.changed_length) {
            Value* v = integer(e.length);
            if (!v)
                return Error::no_memory;
            TFS_TRY(update(e.tuple, attribute("length"), v));
        }
        if (e.cleared_uninited)
            TFS_TRY(update(e.tuple, attribute("uninited"), nullptr));
    }
    if (covered > old_length) {
        Value* v = integer(covered);
        if (!v)
            return Error::no_memory;
        TFS_TRY(update(file, attribute("filelength"), v));
    }
    *done = size_t(covered - offset);
    return Error::none;
}

Error MutableFilesystem::write(const Value* file, uint64_t offset, Bytes data, size_t* done) {
    *done = 0;
    TFS_TRY(check_writable());
    if (node_type(file) != NodeType::file)
        return Error::not_a_file;
    if (offset > kMaxFileBytes || data.size() > kMaxFileBytes - offset)
        return Error::invalid_argument;
    if (data.empty())
        return Error::none;
    uint64_t length;
    TFS_TRY(file_length(file, &length));
    if (offset > length) {
        ExtentList list(m_allocator);
        TFS_TRY(load_extents(file, list));
        TFS_TRY(zero_range(list, length, offset, length));
    }
    // Steps of at most one maximal extent keep each step's plan and records bounded.
    constexpr size_t kStepBytes = size_t(kMaxExtentBlocks * kSectorSize);
    while (*done < data.size()) {
        size_t want = data.size() - *done < kStepBytes ? data.size() - *done : kStepBytes;
        size_t step = 0;
        TFS_TRY(write_step(mutable_node(file), offset + *done, data.slice(*done, want), &step));
        *done += step;
    }
    return Error::none;
}

Error MutableFilesystem::truncate(const Value* file, uint64_t length) {
    TFS_TRY(check_writable());
    if (node_type(file) != NodeType::file)
        return Error::not_a_file;
    if (length > kMaxFileBytes)
        return Error::invalid_argument;
    uint64_t old_length;
    TFS_TRY(file_length(file, &old_length));
    if (length == old_length)
        return Error::none;
    ExtentList list(m_allocator);
    TFS_TRY(load_extents(file, list));
    TFS_TRY(begin_operation(kRecordEstimate, 1));
    if (length > old_length)
        TFS_TRY(zero_range(list, old_length, length, old_length));
    Value* v = integer(length);
    if (!v)
        return Error::no_memory;
    // The length goes first: blocks past it are invisible before their extents are released.
    TFS_TRY(update(mutable_node(file), attribute("filelength"), v));
    if (length > old_length)
        return Error::none;
    const uint64_t keep = (length + kSectorSize - 1) / kSectorSize;
    Value* extents = m_fs.m_tree.mutable_get(mutable_node(file), attribute("extents"));
    for (size_t i = 0; i < list.size(); i++) {
        const Extent& e = list[i];
        if (e.key + e.length <= keep)
            continue;
        TFS_TRY(begin_operation(3 * kRecordEstimate, 2));
        if (e.key >= keep) {
            TFS_TRY(update(extents, e.name, nullptr));
            TFS_TRY(defer_free(SectorRun{e.offset, e.allocated}));
            continue;
        }
        uint64_t kept = keep - e.key;
        Value* kept_length = integer(kept);
        Value* kept_allocated = integer(kept);
        if (!kept_length || !kept_allocated)
            return Error::no_memory;
        TFS_TRY(update(e.tuple, attribute("length"), kept_length));
        TFS_TRY(update(e.tuple, attribute("allocated"), kept_allocated));
        TFS_TRY(defer_free(SectorRun{e.offset + kept, e.allocated - kept}));
    }
    return Error::none;
}

} // namespace tfs
