using System.Net;
using System.Net.Sockets;

namespace Cremi.Worker.Tests.Cluster;

/// <summary>Scheduler settings are checked at start-up: one line naming the key, exit code 1, no database needed.</summary>
public sealed class ClusterSettingsTests
{
    [Fact]
    public void Store_postgres_without_a_connection_string_stops_start_up_naming_the_key()
    {
        var run = Worker("--store", "postgres");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Scheduler:Connection is not set", run.Errors);
    }

    [Fact]
    public void An_unknown_store_stops_start_up_naming_the_key()
    {
        var run = Worker("--store", "mongodb", "--connection", "Host=127.0.0.1");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Scheduler:Store", run.Errors);
    }

    [Fact]
    public void An_unreachable_database_stops_start_up_with_one_line_naming_the_connection()
    {
        var run = Worker("--store", "postgres", "--connection", $"Host=127.0.0.1;Port={ClosedPort()};Database=cremi;Username=cremi;Timeout=3");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Scheduler:Connection: cannot reach PostgreSQL at 127.0.0.1", run.Errors);
        Assert.Single(run.Errors.Trim().Split('\n'));
    }

    private static CliRun Worker(params string[] extra)
    {
        using var root = new TempFolder();
        return CliRun.Of(["worker", "--inbox", root.File("in"), "--outbox", root.File("out"), "--work", root.File("w"), "--failed", root.File("f"),
            "--port", "0", "--set", "Telemetry:Console=false", .. extra]);
    }

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
