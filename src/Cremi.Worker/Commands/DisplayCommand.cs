using System.ComponentModel;
using System.Runtime.InteropServices;
using Cremi.Viewer.Neuroglancer;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>
/// `cremi display DATA [MASK]`: serves the volumes to Neuroglancer (viewer included, no internet needed) until
/// Ctrl-C or SIGTERM. Chunks are read from the HDF5 files on request, so start-up costs one scan for a cleft only.
/// </summary>
public sealed class DisplayCommand(IAnsiConsole console) : AsyncCommand<DisplayCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DATA>")]
        [Description("CREMI file with volumes/raw; its volumes/labels/clefts, if any, are shown as the ground truth.")]
        public string Data { get; init; } = "";

        [CommandArgument(1, "[MASK]")]
        [Description("Optional mask to compare: CREMI clefts and/or predictions, or the Python tool's segmentation_mask.hdf.")]
        public string? Mask { get; init; }

        [CommandOption("--port <PORT>")]
        [Description("TCP port; 0 picks a free one.")]
        [DefaultValue(9000)]
        public int Port { get; init; } = 9000;

        [CommandOption("--bind <ADDRESS>")]
        [Description("Address to listen on. Anything but loopback needs --token.")]
        [DefaultValue("127.0.0.1")]
        public string Bind { get; init; } = "127.0.0.1";

        [CommandOption("--token <TOKEN>")]
        [Description("Secret every request must carry (?token=, Bearer header or the cookie the viewer link sets); at least 16 characters.")]
        public string? Token { get; init; }

        [CommandOption("--log-requests")]
        [Description("Print one line per request: path and status.")]
        public bool LogRequests { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = new NeuroglancerServerOptions
        {
            Bind = NeuroglancerServerOptions.ParseBind(settings.Bind),
            Port = settings.Port,
            Token = settings.Token,
            OnResponse = settings.LogRequests ? (path, status) => Console.Out.WriteLine($"GET {path} {status}") : null,
        };
        options.Validate(); // refuse an unsafe bind before spending time on the files
        await ServeAsync(console, settings.Data, settings.Mask, options, cancellationToken);
        return 0;
    }

    /// <summary>
    /// Serves DATA (and MASK) until Ctrl-C, SIGTERM or cancellation, printing the viewer URL; also used by
    /// `generate --display`, `test --display` and `demo --display` to open their results.
    /// </summary>
    internal static async Task ServeAsync(IAnsiConsole console, string data, string? mask, NeuroglancerServerOptions options,
        CancellationToken cancellationToken)
    {
        options.Validate();
        var catalog = VolumeCatalog.Open(data, mask);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        await using var server = await NeuroglancerServer.StartAsync(catalog, options, stop.Token);

        var names = string.Join(", ", catalog.Layers.Select(l => l.Name));
        console.MarkupLineInterpolated($"serving [green]{names}[/] of {data} at {server.BaseAddress}");
        if (!server.ViewerAvailable)
            console.MarkupLineInterpolated($"[yellow]warning:[/] {ViewerAssets.MissingReason}");
        // The short form (state fetched from /state.json) survives terminals that wrap long lines; /volumes links
        // the self-contained form. Written raw: a markup renderer would wrap or mangle the URL.
        Console.Out.WriteLine($"viewer: {StateUrl(server)}");
        Console.Out.WriteLine($"index:  {server.IndexUrl}");
        console.MarkupLine("press Ctrl-C to stop");
        await server.RunUntilCancelledAsync(stop.Token);
        console.MarkupLine("stopped");

        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true; // stop gracefully instead of being killed
            stop.Cancel();
        }
    }

    internal static Uri StateUrl(NeuroglancerServer server)
    {
        var query = server.Options.Token is null ? "" : "?token=" + Uri.EscapeDataString(server.Options.Token);
        return new Uri(server.BaseAddress, "/" + query + "#!" + new Uri(server.BaseAddress, "/state.json").AbsoluteUri);
    }
}
