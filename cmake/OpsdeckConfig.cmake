# SPDX-License-Identifier: GPL-3.0-or-later
# One INTERFACE target carries warnings, Qt strictness and sanitizers (qBittorrent's qbt_common_cfg).
add_library(opsdeck_cfg INTERFACE)
target_compile_options(opsdeck_cfg INTERFACE
    -Wall -Wextra -Wpedantic -Wnon-virtual-dtor -Woverloaded-virtual -Wno-missing-field-initializers)
target_compile_definitions(opsdeck_cfg INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    OPSDECK_VERSION="${PROJECT_VERSION}")
if(OPSDECK_WERROR)
    target_compile_options(opsdeck_cfg INTERFACE -Werror)
endif()
if(OPSDECK_SANITIZE)
    target_compile_options(opsdeck_cfg INTERFACE -fsanitize=${OPSDECK_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(opsdeck_cfg INTERFACE -fsanitize=${OPSDECK_SANITIZE})
endif()
