// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/lazylibrary.h"

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>

/**
 * libssh, opened on first use (common/lazylibrary.h says why). Core calls `libssh::ssh_xxx(…)`
 * and `libssh::sftp_xxx(…)`; a plain call does not link, because core does not link libssh. A new
 * function is one line below.
 */
namespace Opsdeck::libssh {

extern const LazyLibrary library;

OPSDECK_LAZY_FUNCTION(library, sftp_attributes_free)
OPSDECK_LAZY_FUNCTION(library, sftp_canonicalize_path)
OPSDECK_LAZY_FUNCTION(library, sftp_chmod)
OPSDECK_LAZY_FUNCTION(library, sftp_chown)
OPSDECK_LAZY_FUNCTION(library, sftp_close)
OPSDECK_LAZY_FUNCTION(library, sftp_closedir)
OPSDECK_LAZY_FUNCTION(library, sftp_dir_eof)
OPSDECK_LAZY_FUNCTION(library, sftp_extension_supported)
OPSDECK_LAZY_FUNCTION(library, sftp_free)
OPSDECK_LAZY_FUNCTION(library, sftp_fsync)
OPSDECK_LAZY_FUNCTION(library, sftp_get_error)
OPSDECK_LAZY_FUNCTION(library, sftp_init)
OPSDECK_LAZY_FUNCTION(library, sftp_mkdir)
OPSDECK_LAZY_FUNCTION(library, sftp_new)
OPSDECK_LAZY_FUNCTION(library, sftp_open)
OPSDECK_LAZY_FUNCTION(library, sftp_opendir)
OPSDECK_LAZY_FUNCTION(library, sftp_read)
OPSDECK_LAZY_FUNCTION(library, sftp_readdir)
OPSDECK_LAZY_FUNCTION(library, sftp_stat)
OPSDECK_LAZY_FUNCTION(library, sftp_unlink)
OPSDECK_LAZY_FUNCTION(library, sftp_write)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_close)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_free)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_get_exit_status)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_is_closed)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_is_eof)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_new)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_open_forward)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_open_forward_unix)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_open_session)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_poll)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_read)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_read_nonblocking)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_request_exec)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_request_send_signal)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_send_eof)
OPSDECK_LAZY_FUNCTION(library, ssh_channel_write)
OPSDECK_LAZY_FUNCTION(library, ssh_clean_pubkey_hash)
OPSDECK_LAZY_FUNCTION(library, ssh_connect)
OPSDECK_LAZY_FUNCTION(library, ssh_disconnect)
OPSDECK_LAZY_FUNCTION(library, ssh_free)
OPSDECK_LAZY_FUNCTION(library, ssh_get_error)
OPSDECK_LAZY_FUNCTION(library, ssh_get_fd)
OPSDECK_LAZY_FUNCTION(library, ssh_get_fingerprint_hash)
OPSDECK_LAZY_FUNCTION(library, ssh_get_publickey_hash)
OPSDECK_LAZY_FUNCTION(library, ssh_get_server_publickey)
OPSDECK_LAZY_FUNCTION(library, ssh_is_connected)
OPSDECK_LAZY_FUNCTION(library, ssh_key_free)
OPSDECK_LAZY_FUNCTION(library, ssh_key_type)
OPSDECK_LAZY_FUNCTION(library, ssh_key_type_from_name)
OPSDECK_LAZY_FUNCTION(library, ssh_key_type_to_char)
OPSDECK_LAZY_FUNCTION(library, ssh_new)
OPSDECK_LAZY_FUNCTION(library, ssh_options_get)
OPSDECK_LAZY_FUNCTION(library, ssh_options_get_port)
OPSDECK_LAZY_FUNCTION(library, ssh_options_parse_config)
OPSDECK_LAZY_FUNCTION(library, ssh_options_set)
OPSDECK_LAZY_FUNCTION(library, ssh_pki_export_pubkey_base64)
OPSDECK_LAZY_FUNCTION(library, ssh_pki_import_privkey_file)
OPSDECK_LAZY_FUNCTION(library, ssh_pki_import_pubkey_base64)
OPSDECK_LAZY_FUNCTION(library, ssh_send_ignore)
OPSDECK_LAZY_FUNCTION(library, ssh_session_export_known_hosts_entry)
OPSDECK_LAZY_FUNCTION(library, ssh_set_blocking)
OPSDECK_LAZY_FUNCTION(library, ssh_string_free_char)
OPSDECK_LAZY_FUNCTION(library, ssh_userauth_agent)
OPSDECK_LAZY_FUNCTION(library, ssh_userauth_list)
OPSDECK_LAZY_FUNCTION(library, ssh_userauth_none)
OPSDECK_LAZY_FUNCTION(library, ssh_userauth_password)
OPSDECK_LAZY_FUNCTION(library, ssh_userauth_publickey)
OPSDECK_LAZY_FUNCTION(library, ssh_userauth_publickey_auto)

} // namespace Opsdeck::libssh
