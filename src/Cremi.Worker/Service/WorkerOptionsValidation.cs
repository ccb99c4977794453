using System.Net;
using Microsoft.Extensions.Options;

namespace Cremi.Worker.Service;

/// <summary>
/// Checks that need more than attributes: the folders must be distinct and creatable, the default model must
/// exist. Run at start-up (ValidateOnStart), so a bad setting stops the worker with a message naming the key.
/// </summary>
internal sealed class WorkerOptionsValidation : IValidateOptions<WorkerOptions>, IValidateOptions<DisplayOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions o)
    {
        var problems = new List<string>();
        var folders = new[] { ("Inbox", o.Inbox), ("Outbox", o.Outbox), ("Work", o.Work), ("Failed", o.Failed) };
        foreach (var (key, path) in folders)
        {
            if (string.IsNullOrWhiteSpace(path)) { problems.Add($"Worker:{key} is not set (a folder path)"); continue; }
            if (File.Exists(path)) problems.Add($"Worker:{key} '{path}' is a file, expected a folder");
        }
        var full = folders.Where(f => !string.IsNullOrWhiteSpace(f.Item2)).Select(f => (f.Item1, Path.GetFullPath(f.Item2))).ToList();
        foreach (var group in full.GroupBy(f => f.Item2).Where(g => g.Count() > 1))
            problems.Add($"Worker:{string.Join(" and Worker:", group.Select(g => g.Item1))} are the same folder '{group.Key}'; each needs its own");
        // Claiming and publishing are renames, which are atomic only within one file system; a folder inside
        // another would also be scanned as input.
        foreach (var (key, path) in full)
            foreach (var (other, otherPath) in full)
                if (key != other && path.StartsWith(otherPath.TrimEnd('/') + "/", StringComparison.Ordinal))
                    problems.Add($"Worker:{key} '{path}' lies inside Worker:{other} '{otherPath}'");
        if (o.DefaultModel is { Length: > 0 } model && !File.Exists(model))
            problems.Add($"Worker:DefaultModel '{model}' does not exist");
        if (o.GpuJobs > o.JobConcurrency)
            problems.Add($"Worker:GpuJobs ({o.GpuJobs}) cannot exceed Worker:JobConcurrency ({o.JobConcurrency})");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public ValidateOptionsResult Validate(string? name, DisplayOptions o)
    {
        try
        {
            ToServerOptions(o).Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail($"Display: {e.Message}");
        }
    }

    public static Viewer.Neuroglancer.NeuroglancerServerOptions ToServerOptions(DisplayOptions o) => new()
    {
        Bind = o.Bind.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(o.Bind, out var a) ? a : throw new ArgumentException($"Bind '{o.Bind}' is not an IP address"),
        Port = o.Port,
        Token = o.Token,
    };
}
