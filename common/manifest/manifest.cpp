// manifest.cpp: reading program, argv, envp, cwd and flags from the root tuple (manifest.md 2).
#include "common/manifest/manifest.h"

#include "common/tfs/varint.h"

namespace manifest {

Error program(const tfs::Value* root, Bytes* out) {
    if (!tfs::value_as_string(tfs::tuple_get(root, key::program), out) || out->empty())
        return Error::missing_program;
    return Error::none;
}

// Adds one argument if it is a non-empty string.
static void add_argument(const tfs::Value* v, common::Span<Bytes> out, size_t* count) {
    if (!v || !v->is_string() || v->string().empty())
        return;
    if (*count < out.size())
        out[*count] = v->string();
    (*count)++;
}

Error arguments(const tfs::Value* root, common::Span<Bytes> out, size_t* count) {
    *count = 0;
    const tfs::Value* args = tfs::tuple_get(root, key::arguments);
    if (args && args->is_vector()) {
        if (args->element_count() > kMaxArguments)
            return Error::limit;
        for (size_t i = 0; i < args->element_count(); i++)
            add_argument(args->element(i), out, count);
    } else if (args && args->is_tuple()) {
        if (args->entry_count() > kMaxArguments)
            return Error::limit;
        // Entries are sorted bytewise ("10" before "2"), so pick keys in numeric order.
        bool have_previous = false;
        uint64_t previous = 0;
        for (;;) {
            const tfs::Value* best_value = nullptr;
            uint64_t best = 0;
            for (size_t i = 0; i < args->entry_count(); i++) {
                uint64_t k;
                if (!tfs::parse_decimal(args->entry(i).name, &k))
                    continue;
                if ((have_previous && k <= previous) || (best_value && k >= best))
                    continue;
                best = k;
                best_value = args->entry(i).value;
            }
            if (!best_value)
                break;
            add_argument(best_value, out, count);
            previous = best;
            have_previous = true;
        }
    }
    if (*count == 0) {
        Bytes p;
        if (program(root, &p) != Error::none)
            return Error::missing_program;
        if (out.size() > 0)
            out[0] = p;
        *count = 1;
    }
    return Error::none;
}

void environment(const tfs::Value* root, common::Span<EnvVar> out, size_t* count) {
    *count = 0;
    const tfs::Value* env = tfs::tuple_get(root, key::environment);
    for (size_t i = 0; i < (env ? env->entry_count() : 0); i++) {
        Bytes value;
        if (!tfs::value_as_string(env->entry(i).value, &value))
            continue;
        if (*count < out.size())
            out[*count] = EnvVar{env->entry(i).name, value};
        (*count)++;
    }
}

bool cwd(const tfs::Value* root, Bytes* out) {
    return tfs::value_as_string(tfs::tuple_get(root, key::cwd), out);
}

bool has_flag(const tfs::Value* root, const char* name) {
    return tfs::tuple_get(root, name) != nullptr;
}

bool number(const tfs::Value* root, const char* name, uint64_t* out) {
    return tfs::value_as_u64(tfs::tuple_get(root, name), out);
}

} // namespace manifest
