using Cremi.Learning.Models;
using Cremi.Learning.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests;

public sealed class WeightFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cremi-weights-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Tensor SeedOutput(nn.Module<Tensor, Tensor> model)
    {
        using var noGrad = no_grad();
        model.eval();
        return model.forward(Npy.Load("seed_input").to_type(ScalarType.Float32) / 255);
    }

    [Fact]
    public void An_exported_pytorch_state_dict_reloads_into_a_fresh_module_with_the_same_output()
    {
        using var scope = NewDisposeScope();
        using var original = new SeedUNet3D(filters: 2);
        WeightFiles.LoadPyTorch(original, Npy.Fixture("seed_f2.pth"));
        var path = Path.Combine(_dir, "seed_f2_exported.pth");
        WeightFiles.SavePyTorch(original, path);
        // For the one-off check with PyTorch: make_fixtures.py --verify <copy> (see the report).
        if (Environment.GetEnvironmentVariable("CREMI_EXPORT_DIR") is { Length: > 0 } export)
            File.Copy(path, Path.Combine(export, "seed_f2_exported.pth"), overwrite: true);

        using var reloaded = new SeedUNet3D(filters: 2);
        WeightFiles.LoadPyTorch(reloaded, path);

        Assert.Equal(0f, (SeedOutput(reloaded) - Npy.Load("seed_output")).abs().max().item<float>(), 1e-5f);
        var saved = WeightFiles.ReadPyTorchStateDict(path);
        Assert.Equal(original.state_dict().Keys.Order(), saved.Keys.Order());
        foreach (var t in saved.Values) t.Dispose();
    }

    [Fact]
    public void Our_unet_round_trips_through_a_pytorch_state_dict()
    {
        using var scope = NewDisposeScope();
        var spec = ModelSpec.Unet(filters: 4, depth: 2, norm: NormKind.Batch);
        using var a = spec.Build();
        var path = Path.Combine(_dir, "unet.pth");
        WeightFiles.SavePyTorch(a, path);
        using var b = spec.Build();
        WeightFiles.LoadPyTorch(b, path);
        var sa = a.state_dict();
        Assert.Equal(sa.Keys, b.state_dict().Keys);
        Assert.All(b.state_dict(), kv => Assert.True(kv.Value.eq(sa[kv.Key]).all().item<bool>(), kv.Key));
    }

    [Fact]
    public void Torchsharps_own_format_round_trips()
    {
        using var scope = NewDisposeScope();
        using var original = new SeedUNet3D(filters: 2);
        WeightFiles.LoadPyTorch(original, Npy.Fixture("seed_f2.pth"));
        var path = Path.Combine(_dir, "seed.bin");
        WeightFiles.SaveTorchSharp(original, path);
        using var reloaded = new SeedUNet3D(filters: 2);
        WeightFiles.LoadTorchSharp(reloaded, path);
        Assert.Equal(0f, (SeedOutput(reloaded) - Npy.Load("seed_output")).abs().max().item<float>(), 1e-5f);
    }

    [Fact]
    public void Weights_of_another_filter_count_name_the_file_and_the_shape_mismatches()
    {
        using var model = new SeedUNet3D(filters: 3);
        var path = Npy.Fixture("seed_f2.pth");
        var error = Assert.Throws<InvalidDataException>(() => WeightFiles.LoadPyTorch(model, path));
        Assert.Contains(path, error.Message);
        Assert.Contains("shape mismatch: inc.weight is (2,1,3,3,3) in the file but (3,1,3,3,3) in the model", error.Message);
    }

    [Fact]
    public void Weights_of_another_architecture_name_missing_and_unexpected_keys()
    {
        using var model = new ModelSpec().Build();
        var error = Assert.Throws<InvalidDataException>(() => WeightFiles.LoadPyTorch(model, Npy.Fixture("seed_f2.pth")));
        Assert.Contains("missing keys: encoders.0.conv1.weight", error.Message);
        Assert.Contains("unexpected keys: down1.conv1.bias, down1.conv1.weight", error.Message);
        Assert.Contains("(44 keys in the file", error.Message);
        var own = Path.Combine(_dir, "unet.bin");
        WeightFiles.SaveTorchSharp(model, own);
        using var seed = new SeedUNet3D(filters: 2);
        var ownError = Assert.Throws<InvalidDataException>(() => WeightFiles.LoadTorchSharp(seed, own));
        Assert.Contains(own, ownError.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_state_dict_is_a_clear_error()
    {
        using var model = new SeedUNet3D(filters: 2);
        var text = Path.Combine(_dir, "notes.pth");
        File.WriteAllText(text, "not a checkpoint");
        Assert.Contains("not a PyTorch zip-format file", Assert.Throws<InvalidDataException>(() => WeightFiles.LoadPyTorch(model, text)).Message);
        var missing = Path.Combine(_dir, "absent.pth");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => WeightFiles.LoadPyTorch(model, missing)).Message);
    }
}
