using Microsoft.AspNetCore.Builder;

namespace Cremi.Viewer.Neuroglancer;

/// <summary>The display server's access rule for other Kestrel apps (the worker's endpoints): the same token, the same loopback check.</summary>
public static class AccessGuardExtensions
{
    public static IApplicationBuilder UseDisplayAccessGuard(this IApplicationBuilder app, string? token) =>
        app.Use(new AccessGuard(token).InvokeAsync);
}
