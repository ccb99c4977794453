using System.Net;
using Cremi.Viewer.Neuroglancer;

namespace Cremi.Viewer.Tests;

/// <summary>Who may ask: loopback by default, a token for anything else, carried by every request.</summary>
public sealed class AccessTests : IDisposable
{
    private const string Token = "s3cret-token-0123456789";

    private readonly DisplayTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Binding_to_a_non_loopback_address_without_a_token_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new NeuroglancerServerOptions { Bind = IPAddress.Any }.Validate());
        Assert.Contains("--token", error.Message);
        new NeuroglancerServerOptions { Bind = IPAddress.Any, Token = Token }.Validate();
        new NeuroglancerServerOptions { Bind = IPAddress.IPv6Loopback }.Validate();
        Assert.Throws<ArgumentException>(() => new NeuroglancerServerOptions { Token = "short" }.Validate());
        Assert.Throws<ArgumentException>(() => NeuroglancerServerOptions.ParseBind("example.org"));
    }

    [Fact]
    public async Task The_default_server_listens_on_loopback_only()
    {
        await using var run = await _files.StartAsync();
        Assert.Equal("127.0.0.1", run.Server.BaseAddress.Host);
    }

    [Theory]
    [InlineData("/data/raw/info")]
    [InlineData("/data/raw/s0/3-35_5-37_2-6")]
    [InlineData("/state.json")]
    [InlineData("/volumes")]
    [InlineData("/")]
    [InlineData("/main.bundle.js")]
    public async Task With_a_token_every_request_without_it_gets_401(string path)
    {
        await using var run = await _files.StartAsync(Token);
        using var response = await run.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, path);
        wrong.Headers.Add("X-Cremi-Token", Token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await run.Client.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task The_token_is_accepted_in_the_query_a_header_or_the_cookie_the_query_sets()
    {
        await using var run = await _files.StartAsync(Token);
        using var byQuery = await run.Client.GetAsync($"/data/raw/info?token={Token}");
        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
        var cookie = Assert.Single(byQuery.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        // Neuroglancer appends chunk names to the data URL, so its chunk requests carry only the cookie.
        using var byCookie = new HttpRequestMessage(HttpMethod.Get, "/data/raw/s0/3-35_5-37_2-6");
        byCookie.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await run.Client.SendAsync(byCookie)).StatusCode);

        using var byBearer = new HttpRequestMessage(HttpMethod.Get, "/data/raw/info");
        byBearer.Headers.Authorization = new("Bearer", Token);
        Assert.Equal(HttpStatusCode.OK, (await run.Client.SendAsync(byBearer)).StatusCode);
        using var byHeader = new HttpRequestMessage(HttpMethod.Get, "/data/raw/info");
        byHeader.Headers.Add("X-Cremi-Token", Token);
        Assert.Equal(HttpStatusCode.OK, (await run.Client.SendAsync(byHeader)).StatusCode);
    }

    [Fact]
    public async Task With_a_token_the_viewer_link_carries_it()
    {
        await using var run = await _files.StartAsync(Token);
        Assert.Equal($"?token={Token}", run.Server.ViewerUrl.Query);
        Assert.Equal($"?token={Token}", run.Server.IndexUrl.Query);
    }

    [Fact]
    public async Task Without_a_token_a_request_for_a_foreign_host_name_is_refused()
    {
        // A web page whose DNS name was rebound to 127.0.0.1 sends its own name as Host.
        await using var run = await _files.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/data/raw/info");
        request.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.Forbidden, (await run.Client.SendAsync(request)).StatusCode);
        using var local = new HttpRequestMessage(HttpMethod.Get, "/data/raw/info");
        local.Headers.Host = $"localhost:{run.Server.BaseAddress.Port}";
        Assert.Equal(HttpStatusCode.OK, (await run.Client.SendAsync(local)).StatusCode);
    }
}
