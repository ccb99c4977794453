using System.Text.Json;

namespace Cremi.Worker.Tests;

/// <summary>`cremi bench train --json`: the figures the training issue asks for, measured on a real (tiny) run.</summary>
public sealed class BenchTrainCommandTests
{
    [Fact]
    public void Reports_throughput_and_memory_of_real_training_steps()
    {
        var run = CliRun.Of("bench", "train", "--shape", "8,64,64", "--filters", "2", "--window", "8,32,32", "--steps", "12", "--json");
        Assert.True(run.ExitCode == 0, run.Errors + run.Output);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        var step = root.GetProperty("step_s").GetDouble();
        Assert.InRange(step, 1e-4, 60);
        // samples/s and voxels/s follow from the step time, batch and window (2 windows of 8x32x32 per step).
        Assert.Equal(2 / step, root.GetProperty("samples_per_s").GetDouble(), 0.01 * 2 / step);
        Assert.Equal(2 / step * 8 * 32 * 32, root.GetProperty("voxels_per_s").GetDouble(), 0.01 * 2 / step * 8 * 32 * 32);
        Assert.True(root.GetProperty("rss_last_bytes").GetInt64() > 50L << 20, "RSS of a process holding libtorch");
        Assert.True(root.GetProperty("peak_rss_bytes").GetInt64() >= root.GetProperty("rss_last_bytes").GetInt64());
        Assert.Equal(12, root.GetProperty("rss_early_step").GetInt32()); // step 50, or the last of a shorter run
        Assert.Equal(12, root.GetProperty("steps").GetInt32());
        Assert.True(root.GetProperty("peak_rss_bytes").GetInt64() >= root.GetProperty("peak_rss_early_bytes").GetInt64());
        // Tensors disposed every step: as many alive after the last step as after the "early" one (the same here).
        var live = root.GetProperty("live_tensors").GetString()!.Split(" -> ");
        Assert.Equal(live[0], live[1]);
        // glibc's heap: what libtorch holds in use is part of what the heap holds from the system.
        if (!OperatingSystem.IsLinux()) return;
        var inUse = Pair(root, "native_heap_in_use");
        var held = Pair(root, "native_heap_held");
        Assert.True(inUse.Early > 0 && inUse.Last > 0, $"in use {inUse}");
        Assert.True(held.Early >= inUse.Early && held.Last >= inUse.Last, $"held {held}, in use {inUse}");
    }

    [Fact]
    public void Reports_the_memory_trend_every_50_steps()
    {
        var run = CliRun.Of("bench", "train", "--shape", "8,64,64", "--filters", "2", "--window", "8,32,32", "--steps", "100", "--json");
        Assert.True(run.ExitCode == 0, run.Errors + run.Output);
        using var json = JsonDocument.Parse(run.Output);
        var rss = json.RootElement.GetProperty("rss_mib_every_50_steps").GetString()!.Split(' ').Select(long.Parse).ToArray();
        Assert.Equal(2, rss.Length); // after steps 50 and 100
        Assert.Equal(json.RootElement.GetProperty("rss_last_bytes").GetInt64() >> 20, rss[1]);
        Assert.Equal(2, json.RootElement.GetProperty("native_held_mib_every_50_steps").GetString()!.Split(' ').Length);
    }

    private static (long Early, long Last) Pair(JsonElement root, string name)
    {
        var parts = root.GetProperty(name).GetString()!.Split(" -> ").Select(long.Parse).ToArray();
        return (parts[0], parts[1]);
    }

    [Fact]
    public void Too_few_steps_is_a_usage_error() =>
        Assert.Equal(2, CliRun.Of("bench", "train", "--steps", "3").ExitCode);
}
