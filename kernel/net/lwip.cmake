# kernel/net/lwip.cmake: lwIP 2.1.3 (fetched by scripts/fetch-lwip from Debian's source package,
# never kept in the repository) compiled freestanding for the kernel: core, IPv4, IPv6 and the
# Ethernet layer, with our lwipopts.h and arch/cc.h and no libc headers at all.
set(OPS_LWIP_DIR ${PROJECT_SOURCE_DIR}/build/deps/lwip CACHE PATH
    "lwIP source tree (scripts/fetch-lwip puts it here)")
if(NOT EXISTS ${OPS_LWIP_DIR}/src/include/lwip/init.h)
  message(FATAL_ERROR "lwIP sources not found in ${OPS_LWIP_DIR}: run scripts/fetch-lwip "
                      "(scripts/setup does) or set OPS_LWIP_DIR")
endif()
set(LWIP_DIR ${OPS_LWIP_DIR})
include(${OPS_LWIP_DIR}/src/Filelists.cmake)

execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE OPS_COMPILER_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
set(OPS_LWIP_PORT_INCLUDE ${CMAKE_CURRENT_SOURCE_DIR}/net/lwip_port/include)

add_library(lwip_kernel STATIC EXCLUDE_FROM_ALL
  ${lwipcore_SRCS} ${lwipcore4_SRCS} ${lwipcore6_SRCS} ${OPS_LWIP_DIR}/src/netif/ethernet.c)
target_include_directories(lwip_kernel SYSTEM PUBLIC ${OPS_LWIP_PORT_INCLUDE} ${OPS_LWIP_DIR}/src/include)
target_compile_options(lwip_kernel PRIVATE
  -nostdinc -isystem ${OPS_COMPILER_INCLUDE}
  -ffreestanding -fno-builtin -mno-red-zone -mcmodel=kernel -fno-pic -fno-pie
  -mno-sse -mno-sse2 -mno-mmx -mno-80387 -mno-avx -mgeneral-regs-only
  -fno-stack-protector -fno-asynchronous-unwind-tables -fno-omit-frame-pointer
  -O2 -g -w -Werror=implicit-function-declaration -Werror=int-conversion)
