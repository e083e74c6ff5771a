using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Manager;

/// <summary>
/// Writes log lines as Flux's controllers do (zap's JSON encoder): one JSON object per line with "level"
/// (debug, info, error), "ts" (ISO 8601, milliseconds, UTC), "msg", "error" when there is an exception, and the
/// fields of the current scopes (a reconcile adds controllerKind, name, namespace...). `flux logs` and
/// `fluxsharp logs` read exactly these fields.
/// </summary>
public sealed class FluxJsonLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly Action<string> _write;
    private readonly ConcurrentDictionary<string, FluxJsonLogger> _loggers = new(StringComparer.Ordinal);
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <param name="write">Receives each line, without its newline; called from any thread.</param>
    public FluxJsonLoggerProvider(Action<string> write)
    {
        _write = write;
    }

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new FluxJsonLogger(name, this));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() => _loggers.Clear();

    /// <summary>zap's level names; .NET's Warning has no `flux logs --level`, and zap's warn is the closest.</summary>
    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        _ => "error",
    };

    private sealed class FluxJsonLogger(string category, FluxJsonLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartObject();
                json.WriteString("level", LevelName(logLevel));
                json.WriteString("ts", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                json.WriteString("logger", category);
                json.WriteString("msg", formatter(state, exception));
                var written = new HashSet<string>(StringComparer.Ordinal) { "level", "ts", "logger", "msg" };
                provider._scopes.ForEachScope((scope, w) => WriteFields(w, scope, written), json);
                if (exception is not null)
                {
                    json.WriteString("error", exception.Message);
                }

                json.WriteEndObject();
            }

            provider._write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }

        /// <summary>Key/value scopes become fields (the first of a name wins); other scopes carry no fields.</summary>
        private static void WriteFields(Utf8JsonWriter json, object? scope, HashSet<string> written)
        {
            if (scope is not IEnumerable<KeyValuePair<string, object?>> fields)
            {
                return;
            }

            foreach (var (key, value) in fields)
            {
                if (key.StartsWith('{') || !written.Add(key))
                {
                    continue;
                }

                json.WritePropertyName(key);
                WriteValue(json, value);
            }
        }

        private static void WriteValue(Utf8JsonWriter json, object? value)
        {
            switch (value)
            {
                case null:
                    json.WriteNullValue();
                    break;
                case bool b:
                    json.WriteBooleanValue(b);
                    break;
                case int i:
                    json.WriteNumberValue(i);
                    break;
                case long l:
                    json.WriteNumberValue(l);
                    break;
                case IReadOnlyDictionary<string, string> map:
                    json.WriteStartObject();
                    foreach (var (k, v) in map)
                    {
                        json.WriteString(k, v);
                    }

                    json.WriteEndObject();
                    break;
                default:
                    json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
            }
        }
    }
}
