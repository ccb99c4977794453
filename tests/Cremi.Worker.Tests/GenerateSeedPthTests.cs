using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Learning.Tests;

namespace Cremi.Worker.Tests;

/// <summary>`cremi generate DATA x.pth --arch seed --naive`: the Python tool's weights give PyTorch's probabilities.</summary>
public sealed class GenerateSeedPthTests
{
    /// <summary>In-process and as its own process (relaunched with the malloc settings, Cli/MallocRelaunch): both must
    /// give PyTorch's probabilities.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_python_tools_weights_file_reproduces_pytorchs_probabilities_in_the_written_mask(bool ownProcess)
    {
        using var folder = new TempFolder();
        using var raw = Npy.Load("seed_input");
        var bytes = raw.data<byte>().ToArray();
        Assert.Equal(0, bytes.Min()); // per-window min/max equals /255 only for an input spanning 0..255
        Assert.Equal(255, bytes.Max());
        var data = folder.File("data.hdf");
        CremiWriter.Write(data, new CremiContent { Raw = new Volume<byte>(new Shape3(16, 32, 32), bytes, VoxelSize.Cremi) });

        var mask = folder.File("mask.hdf");
        string[] args = ["generate", data, Npy.Fixture("seed_f2.pth"), "--arch", "seed", "--filters", "2", "--naive", "--window", "16,32,32", "--out", mask];
        var (code, log) = ownProcess
            ? await CremiProcess.RunAsync(args) is var p ? (p.ExitCode, p.Errors + p.Output) : default
            : CliRun.Of(args) is var r ? (r.ExitCode, r.Errors + r.Output) : default;
        Assert.True(code == 0, log);

        using var expected = Npy.Load("seed_output");
        var want = expected.data<float>().ToArray();
        using var file = CremiFile.Open(mask);
        var written = file.ReadPredictions().Data;
        var worst = want.Zip(written, (p, b) => Math.Abs(Math.Round(p * 255) - b)).Max();
        Assert.True(worst <= 1, $"largest difference from PyTorch x 255: {worst}");
    }
}
