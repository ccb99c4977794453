using System.Net;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>Where the display server listens and who may ask it.</summary>
public sealed record NeuroglancerServerOptions
{
    public const int MinTokenLength = 16;

    /// <summary>Loopback by default: only this machine can reach the data.</summary>
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>0 picks a free port (tests); the CLI's default is 9000.</summary>
    public int Port { get; init; } = 9000;

    /// <summary>Required when <see cref="Bind"/> is not loopback; then every request must carry it.</summary>
    public string? Token { get; init; }

    /// <summary>Called after each response with its path and status (for logs and tests).</summary>
    public Action<string, int>? OnResponse { get; init; }

    /// <summary>Idle HDF5 handles kept per file for the next request.</summary>
    public int MaxIdleFilesPerVolume { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Parses --bind: an IP address or "localhost".</summary>
    public static IPAddress ParseBind(string text) =>
        text.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.TryParse(text, out var address) ? address
        : throw new ArgumentException($"--bind '{text}' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1)");

    /// <summary>Throws <see cref="ArgumentException"/> with a message for the user when the options are unsafe or invalid.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new ArgumentException($"--port {Port} is not a TCP port (0..65535)");
        if (Token is not null && (Token.Length < MinTokenLength || Token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
            throw new ArgumentException($"--token must be at least {MinTokenLength} characters without spaces");
        if (!IPAddress.IsLoopback(Bind) && Token is null)
            throw new ArgumentException($"binding to {Bind} exposes the data to the network: give a --token (at least {MinTokenLength} characters) that every request must carry");
    }
}
