using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Cremi.Worker.Cli;

namespace Cremi.Worker.Service;

/// <summary>
/// First thing at start-up with Scheduler:Store=postgres: one connection to the database, so that a wrong host, port,
/// database or password stops the worker with one line naming Scheduler:Connection (and a non-zero exit) instead of
/// a scheduler that retries in the background while the inbox fills.
/// </summary>
public sealed partial class SchedulerDatabaseCheck(IOptions<SchedulerOptions> options, ILogger<SchedulerDatabaseCheck> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.Store != SchedulerStore.Postgres) return;
        var target = new NpgsqlConnectionStringBuilder(o.Connection) { Password = null };
        try
        {
            await using var connection = new NpgsqlConnection(o.Connection);
            await connection.OpenAsync(cancellationToken);
            LogConnected(log, target.Host, target.Port, target.Database, connection.PostgreSqlVersion.ToString());
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or ArgumentException)
        {
            throw new UserInputException($"Scheduler:Connection: cannot reach PostgreSQL at {target.Host}:{target.Port}, " +
                                         $"database '{target.Database}': {e.Message}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "scheduler store: PostgreSQL {Version} at {Host}:{Port}, database {Database} (clustered)")]
    private static partial void LogConnected(ILogger logger, string? host, int port, string? database, string version);
}
