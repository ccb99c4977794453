using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Cremi.Worker.Tests.Cluster;

/// <summary>
/// A private PostgreSQL server for the cluster tests: initdb into a temporary folder, started with pg_ctl on a free
/// loopback port (its unix socket in the same folder, so it never meets the machine's own server), stopped and
/// deleted at the end. initdb refuses to run as root (CI runs as root), so there the server runs as the `postgres`
/// user that Debian's package creates, through runuser.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cremi-pg-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _bin;
    private readonly bool _asPostgresUser = Environment.UserName == "root";

    public PostgresServer()
    {
        _bin = BinFolder() ?? throw new InvalidOperationException(Missing);
        Directory.CreateDirectory(_root);
        if (_asPostgresUser) Run("chown", "postgres:postgres", _root);
        var data = Path.Combine(_root, "data");
        Pg("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        Port = FreePort();
        Pg("pg_ctl", "-D", data, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "-o",
            $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start");
    }

    public const string Missing = "PostgreSQL's initdb was not found (Debian: apt-get install -y postgresql)";

    public int Port { get; }

    /// <summary>A new, empty database, so each test's cluster starts from nothing (schema provisioning included).</summary>
    public string CreateDatabase()
    {
        var name = "cremi_" + Guid.NewGuid().ToString("N")[..10];
        using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        connection.Open();
        using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        create.ExecuteNonQuery();
        return ConnectionString(name);
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres";

    public void Dispose()
    {
        try { Pg("pg_ctl", "-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "stop"); }
        finally { Directory.Delete(_root, recursive: true); }
    }

    /// <summary>PATH first, then Debian's versioned folders (/usr/lib/postgresql/15/bin), which are not on PATH.</summary>
    public static string? BinFolder()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin"))
            : [];
        return path.Concat(debian).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private void Pg(string tool, params string[] args)
    {
        var program = Path.Combine(_bin, tool);
        if (_asPostgresUser) Run("runuser", ["-u", "postgres", "--", program, .. args]);
        else Run(program, args);
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit {process.ExitCode}\n{errors}{output.Result}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Skipped, with the reason, where PostgreSQL is not installed; CI installs it (.ci/run).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.BinFolder() is null) Skip = PostgresServer.Missing;
    }
}
