using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MissionConformance.Reference.Tests.Infrastructure;

/// <summary>Collects the reference server's warnings and errors so a failing test can show them.</summary>
public sealed class ServerLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public override string ToString() => _entries.IsEmpty ? "(server logged no warnings)" : string.Join(Environment.NewLine, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(ServerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) log._entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
