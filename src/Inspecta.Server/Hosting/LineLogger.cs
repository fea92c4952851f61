using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Inspecta.Server.Hosting;

/// <summary>
/// One log line per event on a writer: <c>2026-12-03T07:40:19.123Z info Inspecta.Models: model bottle loaded …</c>, or with
/// <c>json</c> one JSON object per line carrying the message template's fields (model, status, milliseconds, …) as
/// properties, for a log collector to index.
/// </summary>
public sealed class LineLoggerProvider(TextWriter writer, bool json, LogLevel minimum = LogLevel.Information) : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, Logger> _loggers = new(StringComparer.Ordinal);
    private readonly Lock _write = new();
    private readonly bool _json = json;
    private readonly LogLevel _minimum = minimum;

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, c => new Logger(this, c));

    public void Dispose() { }

    private void Write(string line)
    {
        lock (_write)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private sealed class Logger(LineLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string time = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
            string message = formatter(state, exception);
            if (!provider._json)
            {
                provider.Write($"{time} {Level(logLevel)} {category}: {message}{(exception is null ? "" : Environment.NewLine + exception)}");
                return;
            }
            var line = new JsonObject { ["time"] = time, ["level"] = Level(logLevel), ["category"] = category, ["message"] = message };
            if (state is IEnumerable<KeyValuePair<string, object?>> fields)
                foreach (var (key, value) in fields)
                    if (key != "{OriginalFormat}" && !line.ContainsKey(key)) line[key] = JsonValue.Create(value?.ToString());
            if (exception is not null) line["exception"] = exception.ToString();
            provider.Write(line.ToJsonString());
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trace", LogLevel.Debug => "debug", LogLevel.Information => "info",
            LogLevel.Warning => "warn", LogLevel.Error => "error", _ => "crit",
        };
    }
}
