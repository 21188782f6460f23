// SPDX-License-Identifier: GPL-3.0-or-later
#include "promresponse.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

namespace Opsdeck {

double parsePromValue(std::string_view text, bool *ok)
{
    if (ok)
        *ok = true;
    if (text == "NaN")
        return std::numeric_limits<double>::quiet_NaN();
    if (text == "+Inf" || text == "Inf")
        return std::numeric_limits<double>::infinity();
    if (text == "-Inf")
        return -std::numeric_limits<double>::infinity();
    double value = 0;
    const char *begin = text.data(), *end = text.data() + text.size();
    if (!text.empty() && *begin == '+')
        ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end) {
        if (ok)
            *ok = false;
        return std::numeric_limits<double>::quiet_NaN();
    }
    return value;
}

namespace {

/** A forward-only JSON reader for Prometheus's envelope; every method says whether it read. */
class Scanner
{
public:
    explicit Scanner(const QByteArray &json)
        : m_p(json.constData())
        , m_end(json.constData() + json.size())
    {}

    void ws()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
            ++m_p;
    }
    bool consume(char c)
    {
        ws();
        if (m_p < m_end && *m_p == c) {
            ++m_p;
            return true;
        }
        return false;
    }
    bool peek(char c)
    {
        ws();
        return m_p < m_end && *m_p == c;
    }
    bool atEnd()
    {
        ws();
        return m_p == m_end;
    }

    /** A string; escapes decoded (\uXXXX as UTF-16, surrogate pairs joined). */
    std::optional<QString> string()
    {
        std::string raw;
        if (!rawString(raw))
            return std::nullopt;
        return QString::fromUtf8(raw.data(), qsizetype(raw.size()));
    }

    bool rawString(std::string &out)
    {
        if (!consume('"'))
            return false;
        out.clear();
        while (m_p < m_end && *m_p != '"') {
            if (*m_p != '\\') {
                out += *m_p++;
                continue;
            }
            if (++m_p == m_end)
                return false;
            const char e = *m_p++;
            switch (e) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'u': {
                if (m_end - m_p < 4)
                    return false;
                const QString unit = QString::fromLatin1(m_p, 4);
                m_p += 4;
                bool ok = false;
                const char16_t c = char16_t(unit.toUShort(&ok, 16));
                if (!ok)
                    return false;
                out += QString(QChar(c)).toStdString(); // lone surrogates become U+FFFD
                break;
            }
            default:
                out += e;
                break; // \" \\ \/
            }
        }
        return consume('"');
    }

    /** A number token (as JSON writes Prometheus's timestamps). */
    std::optional<double> number()
    {
        ws();
        double value = 0;
        const auto [ptr, ec] = std::from_chars(m_p, m_end, value);
        if (ec != std::errc())
            return std::nullopt;
        m_p = ptr;
        return value;
    }

    /** A value's string form without copying: Prometheus's sample values are plain strings. */
    std::optional<std::string_view> plainString()
    {
        if (!consume('"'))
            return std::nullopt;
        const char *start = m_p;
        while (m_p < m_end && *m_p != '"' && *m_p != '\\')
            ++m_p;
        if (m_p == m_end || *m_p != '"')
            return std::nullopt;
        return std::string_view(start, std::size_t(m_p++ - start));
    }

    bool skipValue(int depth = 0)
    {
        ws();
        if (m_p == m_end || depth > 64)
            return false;
        if (*m_p == '"') {
            std::string ignored;
            return rawString(ignored);
        }
        if (*m_p == '{' || *m_p == '[') {
            const char close = *m_p == '{' ? '}' : ']';
            const bool object = *m_p++ == '{';
            if (consume(close))
                return true;
            do {
                if (object && (!skipValue(depth + 1) || !consume(':')))
                    return false;
                if (!skipValue(depth + 1))
                    return false;
            } while (consume(','));
            return consume(close);
        }
        while (m_p < m_end && *m_p != ',' && *m_p != '}' && *m_p != ']' && *m_p != ' ' &&
               *m_p != '\n')
            ++m_p; // true, false, null, numbers
        return true;
    }

    /** Calls `field(key)` for each key of an object; `field` reads the value. */
    template<typename F>
    bool object(F &&field)
    {
        if (!consume('{'))
            return false;
        if (consume('}'))
            return true;
        do {
            std::string key;
            if (!rawString(key) || !consume(':') || !field(key))
                return false;
        } while (consume(','));
        return consume('}');
    }

    /** Calls `item()` for each element of an array; `item` reads it. */
    template<typename F>
    bool array(F &&item)
    {
        if (!consume('['))
            return false;
        if (consume(']'))
            return true;
        do {
            if (!item())
                return false;
        } while (consume(','));
        return consume(']');
    }

    const char *position() const { return m_p; }
    void rewind(const char *p) { m_p = p; }

private:
    const char *m_p;
    const char *m_end;
};

struct Envelope
{
    QString status, errorType, error, resultType;
    QStringList warnings;
    const char *result = nullptr; // where data.result starts (read once resultType is known)
    const char *data = nullptr;
};

bool readEnvelope(Scanner &s, Envelope &e)
{
    return s.object([&](const std::string &key) {
        if (key == "status" || key == "errorType" || key == "error") {
            const std::optional<QString> v = s.string();
            if (!v)
                return false;
            (key == "status" ? e.status : key == "error" ? e.error : e.errorType) = *v;
            return true;
        }
        if (key == "warnings")
            return s.array([&] {
                const std::optional<QString> w = s.string();
                if (w)
                    e.warnings << *w;
                return w.has_value();
            });
        if (key == "data" && s.peek('{')) {
            e.data = s.position();
            return s.object([&](const std::string &dataKey) {
                if (dataKey == "resultType") {
                    const std::optional<QString> v = s.string();
                    if (v)
                        e.resultType = *v;
                    return v.has_value();
                }
                if (dataKey == "result")
                    e.result = s.position();
                return s.skipValue();
            });
        }
        if (key == "data")
            e.data = s.position();
        return s.skipValue();
    });
}

bool readLabels(Scanner &s, QMap<QString, QString> &labels)
{
    return s.object([&](const std::string &key) {
        const std::optional<QString> value = s.string();
        if (value)
            labels.insert(QString::fromStdString(key), *value);
        return value.has_value();
    });
}

/** [ <unix seconds>, "<value>" ] */
bool readSample(Scanner &s, double &seconds, double &value)
{
    if (!s.consume('['))
        return false;
    const std::optional<double> t = s.number();
    if (!t || !s.consume(','))
        return false;
    const std::optional<std::string_view> v = s.plainString();
    if (!v)
        return false;
    seconds = *t;
    value = parsePromValue(*v);
    return s.consume(']');
}

struct Budget
{
    qint64 cells = 0;
    QString exceeded; // why reading stopped, when it did
};

void place(TimeSeries &series, double seconds, double value, Budget &budget)
{
    if (series.values.empty()) { // the grid only now, and only within the budget
        const qint64 points = std::max<qint64>(series.grid.points(), 0);
        if (budget.cells + points > kMaxPromCells) {
            budget.exceeded = QStringLiteral("the answer needs more than %1 points (series × "
                                             "steps); narrow the query or the time range")
                                  .arg(kMaxPromCells);
            return;
        }
        budget.cells += points;
        series.values.assign(std::size_t(points), std::numeric_limits<double>::quiet_NaN());
    }
    const double offset =
        (seconds * 1000.0 - double(series.grid.startMs)) / double(series.grid.stepMs);
    const qint64 index = qRound64(offset);
    if (index >= 0 && std::size_t(index) < series.values.size())
        series.values[std::size_t(index)] = value;
}

QueryGrid pointGrid(double seconds)
{
    const qint64 ms = qRound64(seconds * 1000.0);
    return {ms, ms, 1000};
}

bool readMatrixOrVector(Scanner &s, bool matrix, const QueryGrid &grid, QList<TimeSeries> &out,
                        Budget &budget)
{
    return s.array([&] {
        if (out.size() >= kMaxPromSeries) {
            budget.exceeded = QStringLiteral("the answer has more than %1 series; aggregate "
                                             "(sum by …, topk) to draw it")
                                  .arg(kMaxPromSeries);
            return false;
        }
        TimeSeries series;
        series.grid = grid;
        const bool ok = s.object([&](const std::string &key) {
            if (key == "metric")
                return readLabels(s, series.labels);
            if (key == "values" && matrix)
                return s.array([&] {
                    double t = 0, v = 0;
                    if (!readSample(s, t, v))
                        return false;
                    place(series, t, v, budget);
                    return budget.exceeded.isEmpty();
                });
            if (key == "value" && !matrix) {
                double t = 0, v = 0;
                if (!readSample(s, t, v))
                    return false;
                series.grid = pointGrid(t);
                series.values = {v};
                return true;
            }
            return s.skipValue(); // native "histograms": not drawn, never a crash
        });
        series.name = seriesName(series.labels);
        if (!matrix || !series.values.empty())
            out << std::move(series);
        return ok;
    });
}

QString httpProblem(const QByteArray &body, int httpStatus)
{
    const QString text = QString::fromUtf8(body.left(300)).simplified();
    return QStringLiteral("HTTP %1%2")
        .arg(httpStatus)
        .arg(text.isEmpty() ? QString() : QStringLiteral(": ") + text);
}

Result<Envelope> envelopeOf(Scanner &s, const QByteArray &body, int httpStatus)
{
    Envelope e;
    if (!s.peek('{') || !readEnvelope(s, e) || e.status.isEmpty()) {
        if (httpStatus >= 400 || httpStatus == 0)
            return Result<Envelope>::failure(httpProblem(body, httpStatus));
        return Result<Envelope>::failure(QStringLiteral("not a Prometheus API answer: %1")
                                             .arg(QString::fromUtf8(body.left(120)).simplified()));
    }
    if (e.status != QLatin1String("success"))
        return Result<Envelope>::failure(
            QStringLiteral("%1: %2").arg(
                e.errorType.isEmpty() ? QStringLiteral("error") : e.errorType, e.error),
            e.errorType);
    return e;
}

} // namespace

Result<QList<TimeSeries>> parsePrometheusResponse(const QByteArray &body, int httpStatus,
                                                  const QueryGrid &grid, QStringList *warnings)
{
    using R = Result<QList<TimeSeries>>;
    Scanner s(body);
    const Result<Envelope> envelope = envelopeOf(s, body, httpStatus);
    if (!envelope)
        return R(envelope.error());
    const Envelope &e = *envelope;
    if (warnings)
        *warnings = e.warnings;
    if (!e.result)
        return R::failure(QStringLiteral("the answer has no data.result"));
    s.rewind(e.result);
    QList<TimeSeries> series;
    if (e.resultType == QLatin1String("matrix") || e.resultType == QLatin1String("vector")) {
        Budget budget;
        const bool read =
            readMatrixOrVector(s, e.resultType == QLatin1String("matrix"), grid, series, budget);
        if (!budget.exceeded.isEmpty())
            return R::failure(budget.exceeded, QStringLiteral("too-large"));
        if (!read)
            return R::failure(QStringLiteral("malformed %1 in the answer").arg(e.resultType));
        return series;
    }
    if (e.resultType == QLatin1String("scalar")) {
        double t = 0, v = 0;
        if (!readSample(s, t, v))
            return R::failure(QStringLiteral("malformed scalar in the answer"));
        TimeSeries scalar;
        scalar.name = QStringLiteral("scalar");
        scalar.grid = pointGrid(t);
        scalar.values = {v};
        return QList<TimeSeries>{scalar};
    }
    return R::failure(QStringLiteral("cannot draw a '%1' result").arg(e.resultType));
}

Result<QStringList> parsePrometheusStrings(const QByteArray &body, int httpStatus)
{
    Scanner s(body);
    const Result<Envelope> envelope = envelopeOf(s, body, httpStatus);
    if (!envelope)
        return Result<QStringList>(envelope.error());
    QStringList values;
    if (!envelope->data)
        return values;
    s.rewind(envelope->data);
    const bool ok = s.array([&] {
        if (s.peek('{')) { // /api/v1/series: label sets, as name{labels}
            QMap<QString, QString> labels;
            if (!readLabels(s, labels))
                return false;
            values << seriesName(labels);
            return true;
        }
        const std::optional<QString> v = s.string();
        if (v)
            values << *v;
        return v.has_value();
    });
    if (!ok)
        return Result<QStringList>::failure(QStringLiteral("malformed list in the answer"));
    return values;
}

} // namespace Opsdeck
