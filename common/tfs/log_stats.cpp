// log_stats.cpp: the counting rule of log_stats.h.
#include "common/tfs/log_stats.h"

#include "common/tfs/filesystem.h"

namespace tfs {

void LogStats::on_update(const Value* old_value, const Value* new_value) {
    m_updates++;
    if (!new_value)
        m_obsolete++;
    if (!old_value || old_value == new_value)
        return;
    m_obsolete++;
    if (node_type(old_value) == NodeType::file && link_count(old_value) <= 1)
        m_obsolete += (tuple_get(old_value, "filelength") ? 1 : 0) +
                      tuple_get(old_value, "extents")->entry_count();
}

} // namespace tfs
