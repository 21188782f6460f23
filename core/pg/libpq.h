// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/lazylibrary.h"

#include <libpq-fe.h>

/**
 * libpq, opened on first use (common/lazylibrary.h says why). Core calls `libpq::PQxxx(…)`;
 * a plain `PQxxx(…)` does not link, because core does not link libpq. A new function is one
 * line below.
 */
namespace Opsdeck::libpq {

extern const LazyLibrary library;

OPSDECK_LAZY_FUNCTION(library, PQcancel)
OPSDECK_LAZY_FUNCTION(library, PQclear)
OPSDECK_LAZY_FUNCTION(library, PQcmdStatus)
OPSDECK_LAZY_FUNCTION(library, PQconnectPoll)
OPSDECK_LAZY_FUNCTION(library, PQconnectStartParams)
OPSDECK_LAZY_FUNCTION(library, PQconninfoFree)
OPSDECK_LAZY_FUNCTION(library, PQconninfoParse)
OPSDECK_LAZY_FUNCTION(library, PQconsumeInput)
OPSDECK_LAZY_FUNCTION(library, PQenterPipelineMode)
OPSDECK_LAZY_FUNCTION(library, PQerrorMessage)
OPSDECK_LAZY_FUNCTION(library, PQexitPipelineMode)
OPSDECK_LAZY_FUNCTION(library, PQfinish)
OPSDECK_LAZY_FUNCTION(library, PQflush)
OPSDECK_LAZY_FUNCTION(library, PQfname)
OPSDECK_LAZY_FUNCTION(library, PQfreeCancel)
OPSDECK_LAZY_FUNCTION(library, PQfreemem)
OPSDECK_LAZY_FUNCTION(library, PQftype)
OPSDECK_LAZY_FUNCTION(library, PQgetCancel)
OPSDECK_LAZY_FUNCTION(library, PQgetCopyData)
OPSDECK_LAZY_FUNCTION(library, PQgetResult)
OPSDECK_LAZY_FUNCTION(library, PQgetisnull)
OPSDECK_LAZY_FUNCTION(library, PQgetlength)
OPSDECK_LAZY_FUNCTION(library, PQgetvalue)
OPSDECK_LAZY_FUNCTION(library, PQisBusy)
OPSDECK_LAZY_FUNCTION(library, PQnfields)
OPSDECK_LAZY_FUNCTION(library, PQnotifies)
OPSDECK_LAZY_FUNCTION(library, PQntuples)
OPSDECK_LAZY_FUNCTION(library, PQpipelineSync)
OPSDECK_LAZY_FUNCTION(library, PQresultErrorField)
OPSDECK_LAZY_FUNCTION(library, PQresultErrorMessage)
OPSDECK_LAZY_FUNCTION(library, PQresultStatus)
OPSDECK_LAZY_FUNCTION(library, PQsendQueryParams)
OPSDECK_LAZY_FUNCTION(library, PQserverVersion)
OPSDECK_LAZY_FUNCTION(library, PQsetNoticeProcessor)
OPSDECK_LAZY_FUNCTION(library, PQsetSingleRowMode)
OPSDECK_LAZY_FUNCTION(library, PQsetnonblocking)
OPSDECK_LAZY_FUNCTION(library, PQsocket)
OPSDECK_LAZY_FUNCTION(library, PQstatus)

} // namespace Opsdeck::libpq
