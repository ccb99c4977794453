namespace Cremi.Worker.Tests.Worker;

/// <summary>Built once per test class: a small annotated volume and a tiny model trained on it in seconds.</summary>
public sealed class WorkerFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public WorkerFixture()
    {
        Data = _folder.File("a.hdf");
        Check(CliRun.Of("synth", Data, "--shape", "8,64,64", "--seed", "1"));
        var run = Path.Combine(_folder.Path, "run");
        Check(CliRun.Of("train", Data, "--out", run, "--filters", "4", "--depth", "2", "--in-plane-levels", "1", "--window", "8,32,32",
            "--epochs", "1", "--steps-per-epoch", "2", "--batch", "1", "--preprocess", "minmax"));
        Model = Path.Combine(run, "model.cremi");
    }

    public string Data { get; }
    public string Model { get; }

    /// <summary>A larger volume for jobs that must still be running when the test acts on them.</summary>
    public string Large()
    {
        var path = _folder.File("large.hdf");
        lock (_folder)
            if (!File.Exists(path)) Check(CliRun.Of("synth", path, "--shape", "16,128,128", "--seed", "2"));
        return path;
    }

    /// <summary>Options that make <see cref="Deep"/> five blocks of about a second each on one CPU thread (TTA
    /// multiplies the work per window by 8 without adding windows): long enough to stop a job between two blocks.</summary>
    public static readonly string[] BlockOptions = ["--slab", "8", "--tta"];

    /// <summary>A volume of several inference blocks and its mask from an uninterrupted `cremi generate` with <see cref="BlockOptions"/>.</summary>
    public (string Data, string Mask) Deep()
    {
        var (path, mask) = (_folder.File("deep.hdf"), _folder.File("deep-expected.hdf"));
        lock (_folder)
            if (!File.Exists(mask))
            {
                Check(CliRun.Of("synth", path, "--shape", "24,128,128", "--seed", "3"));
                Check(CliRun.Of(["generate", path, Model, "--out", mask, .. BlockOptions]));
            }
        return (path, mask);
    }

    /// <summary>A volume whose generate job lasts tens of seconds: long enough to start another worker while it runs.</summary>
    public string Larger()
    {
        var path = _folder.File("larger.hdf");
        lock (_folder)
            if (!File.Exists(path)) Check(CliRun.Of("synth", path, "--shape", "32,256,256", "--seed", "3"));
        return path;
    }

    public void Dispose() => _folder.Dispose();

    private static void Check(CliRun run)
    {
        if (run.ExitCode != 0) throw new InvalidOperationException(run.Errors + run.Output);
    }
}
