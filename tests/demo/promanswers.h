// SPDX-License-Identifier: GPL-3.0-or-later
// Prometheus answers for the parser tests (outside the moc-scanned test file: moc cannot read
// raw strings).
#pragma once

inline const char kMatrixJson[] =
    R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","job":"a\"b"},"values":[[10,"1"],[11,"NaN"],[13,"+Inf"],[14,"-Inf"],[15,"1e-07"]]},{"metric":{},"histograms":[[10,{"count":"1"}]]}]},"warnings":["partial"]})";
inline const char kVectorJson[] =
    R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1"},"value":[1795397999.888,"2.5"]}]}})";
inline const char kScalarJson[] =
    R"({"status":"success","data":{"resultType":"scalar","result":[1795397999.5,"-Inf"]}})";
