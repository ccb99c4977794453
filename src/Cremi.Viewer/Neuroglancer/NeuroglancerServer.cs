using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>
/// The display server: Kestrel serving the Neuroglancer client and the registered volumes in the precomputed
/// format from one origin, so no CORS is involved. Routes are in <see cref="DisplayRoutes"/>.
/// </summary>
public sealed class NeuroglancerServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CremiFilePool _files;

    private NeuroglancerServer(WebApplication app, CremiFilePool files, VolumeCatalog catalog, NeuroglancerServerOptions options, Uri baseAddress)
    {
        _app = app;
        _files = files;
        Catalog = catalog;
        Options = options;
        BaseAddress = baseAddress;
    }

    public VolumeCatalog Catalog { get; }
    public NeuroglancerServerOptions Options { get; }

    /// <summary>The bound address as a browser should use it, e.g. http://127.0.0.1:9000/.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The viewer with the state in the fragment (and the token in the query, when one is set).</summary>
    public Uri ViewerUrl => ViewerState.ViewerUrl(Catalog, BaseAddress, Options.Token);

    /// <summary>The page listing what is served.</summary>
    public Uri IndexUrl => new(BaseAddress, "/volumes" + (Options.Token is null ? "" : "?token=" + Uri.EscapeDataString(Options.Token)));

    public bool ViewerAvailable => ViewerAssets.Embedded.IsAvailable;

    /// <summary>Starts listening; throws <see cref="ArgumentException"/> for unsafe options, <see cref="IOException"/> when the port is taken.</summary>
    public static async Task<NeuroglancerServer> StartAsync(VolumeCatalog catalog, NeuroglancerServerOptions options,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        // The content root is the program's folder, so no appsettings.json of the current directory is read.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Bind, options.Port);
        });
        var files = new CremiFilePool(options.MaxIdleFilesPerVolume);
        builder.Services.AddSingleton(files);
        var app = builder.Build();
        DisplayRoutes.Map(app, catalog, options, new ChunkReader(files));
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            files.Dispose();
            throw;
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new NeuroglancerServer(app, files, catalog, options, PublicAddress(new Uri(bound), options.Bind));
    }

    /// <summary>Runs until the token is cancelled (Ctrl-C in the CLI), then stops gracefully.</summary>
    public async Task RunUntilCancelledAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        await _app.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _files.Dispose();
    }

    /// <summary>A wildcard bind (0.0.0.0, ::) is not an address a browser can open: name the machine instead.</summary>
    private static Uri PublicAddress(Uri bound, IPAddress bind)
    {
        var host = bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any) ? Dns.GetHostName()
            : bind.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{bind}]"
            : bind.ToString();
        return new UriBuilder("http", host, bound.Port, "/").Uri;
    }
}
