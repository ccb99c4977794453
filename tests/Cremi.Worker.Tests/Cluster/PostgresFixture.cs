namespace Cremi.Worker.Tests.Cluster;

/// <summary>One private PostgreSQL server per test class, or none where PostgreSQL is not installed (the tests skip).</summary>
public sealed class PostgresFixture : IDisposable
{
    public PostgresServer? Server { get; } = PostgresServer.BinFolder() is null ? null : new PostgresServer();

    public void Dispose() => Server?.Dispose();
}
