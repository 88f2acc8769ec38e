// inode.cpp: inode numbering (a counter: TFS has no inode numbers on disk).
#include "fs/inode.h"

namespace {
u64 g_next_inode_number = 2;
}

Inode::Inode(InodeType type) : m_type(type), m_number(g_next_inode_number++) {}
