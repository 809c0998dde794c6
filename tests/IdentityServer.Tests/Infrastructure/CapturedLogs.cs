using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>
/// A logger provider that keeps every line the server logs, framework categories included: the formatted message, each
/// structured value (a JSON log collector would store them), the active scopes and any exception.
/// Add it with <c>IessServerFactory.WithServices(s => s.AddSingleton&lt;ILoggerProvider&gt;(logs))</c>.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> lines = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Lines => lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    line.Append($" |{key}={value}");
                }
            }

            owner.scopes.ForEachScope((scope, text) => text.Append($" |scope={scope}"), line);
            if (exception is not null)
            {
                line.Append(" |exception=").Append(exception);
            }

            owner.lines.Enqueue(line.ToString());
        }
    }
}
