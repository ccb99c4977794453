using Cremi.Core.Augmentation;
using Cremi.Core.Volumes;
using Cremi.Learning.Models;
using Cremi.Learning.Tensors;
using Cremi.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests.Training;

/// <summary>
/// Mixed precision (<see cref="MixedPrecisionReplica"/>, <see cref="MixedPrecisionCheck"/>). The copy's mechanics
/// (weights taken each pass, gradients and buffers handed back) are checked exactly with a float64 copy, whose
/// arithmetic is exact enough to show any slip; the bfloat16 numerics depend on the device's kernels and are what the
/// check measures before every bfloat16 run (on this CPU at its best ISA they are wrong, see the check).
/// </summary>
public sealed class MixedPrecisionTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cremi-mixed-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static ModelSpec SmallNet(NormKind norm = NormKind.Group) =>
        ModelSpec.Unet(filters: 4, depth: 2, inPlaneLevels: 1, norm: norm) with { Groups = 2 };

    /// <summary>Gradients of a mean-square loss through <paramref name="forward"/>, per parameter name.</summary>
    private static Dictionary<string, Tensor> Gradients(nn.Module<Tensor, Tensor> model, Func<Tensor, Tensor> forward, Tensor input,
        Action? afterBackward = null)
    {
        foreach (var p in model.parameters()) p.grad = null;
        using (NewDisposeScope())
        {
            var output = forward(input);
            Assert.Equal(ScalarType.Float32, output.dtype);
            ScalarMath.Square(output).mean().backward();
        }
        afterBackward?.Invoke();
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone());
    }

    [Fact]
    public void The_copys_gradients_land_on_the_float32_weights_and_equal_the_networks_own()
    {
        manual_seed(5);
        var spec = SmallNet();
        using var model = spec.Build();
        using var replica = new MixedPrecisionReplica(spec, model, CPU, ScalarType.Float64);
        using var input = randn([2, 1, 4, 32, 32]);
        model.train();

        var exact = Gradients(model, model.forward, input);
        var copied = Gradients(model, replica.Forward, input, replica.GradientsToMaster);

        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.grad!.dtype));
        foreach (var (name, reference) in exact)
        {
            var error = (copied[name] - reference).norm().item<float>() / Math.Max(reference.norm().item<float>(), 1e-6f);
            Assert.True(error < 1e-3, $"{name}: the copy's gradient is {error:P3} off the network's");
        }
        // and the copy's own gradients were cleared: a second backward pass must not add to stale ones
        var again = Gradients(model, replica.Forward, input, replica.GradientsToMaster);
        foreach (var (name, reference) in copied)
            Assert.True((again[name] - reference).abs().max().item<float>() <= 1e-6 * Math.Max(1, reference.abs().max().item<float>()), name);
    }

    [Fact]
    public void Each_forward_pass_uses_the_current_master_weights()
    {
        manual_seed(6);
        var spec = SmallNet();
        using var model = spec.Build();
        using var replica = new MixedPrecisionReplica(spec, model, CPU, ScalarType.Float64);
        using var input = randn([1, 1, 4, 32, 32]);
        model.eval();
        using var before = replica.Forward(input).detach();
        using (no_grad())
            foreach (var (name, p) in model.named_parameters())
                if (name.StartsWith("head", StringComparison.Ordinal)) p.mul_(0.5.ToScalar());
        using var after = replica.Forward(input).detach();
        using var exact = model.forward(input).detach();
        Assert.True((after - before).abs().max().item<float>() > 1e-3, "the copy did not take the changed weights");
        Assert.True((after - exact).abs().max().item<float>() < 1e-4, "the copy's output is not the network's");
    }

    [Fact]
    public void Batch_norm_running_statistics_reach_the_master_network()
    {
        manual_seed(7);
        var spec = SmallNet(NormKind.Batch);
        using var model = spec.Build();
        using var replica = new MixedPrecisionReplica(spec, model, CPU, ScalarType.Float64);
        model.train();
        using var input = randn([2, 1, 4, 32, 32]);
        var mean = model.named_buffers().First(b => b.name.EndsWith("running_mean", StringComparison.Ordinal)).buffer;
        Assert.Equal(0f, mean.abs().sum().item<float>());
        using (replica.Forward(input)) { }
        Assert.Equal(ScalarType.Float32, mean.dtype);
        Assert.True(mean.abs().sum().item<float>() > 0, "the master's running mean did not change");
    }

    [Fact]
    public void The_check_measures_a_float64_copy_as_exact()
    {
        manual_seed(8);
        var (forward, gradient) = MixedPrecisionCheck.Errors(SmallNet(), CPU, ScalarType.Float64);
        Assert.True(forward < 1e-4 && gradient < 1e-3, $"outputs {forward:G3}, gradients {gradient:G3} off");
    }

    /// <summary>
    /// A bfloat16 run on the CPU: where this CPU's bfloat16 kernels pass the check, it learns and saves ordinary float32
    /// files and resumes; where they fail it (this machine at its best ISA), it is refused before any output exists.
    /// </summary>
    [Fact]
    public void A_bfloat16_run_learns_and_saves_float32_files_or_is_refused_before_any_output()
    {
        var train = new[] { TrainerTests.Bars("a", new Shape3(8, 64, 64), 1) };
        var validation = new[] { TrainerTests.Bars("b", new Shape3(4, 64, 64), 2) };
        var options = new TrainingOptions
        {
            Window = new Shape3(4, 32, 32), BatchSize = 2, Epochs = 4, StepsPerEpoch = 30, LearningRate = 3e-3,
            WarmupSteps = 2, Augmentation = AugmentationOptions.None, RejectEmptyProbability = 0.5, Patience = 0, Device = "cpu",
            Precision = TrainingPrecision.BFloat16,
        };
        var (forward, gradient) = MixedPrecisionCheck.Errors(SmallNet(), CPU);
        if (forward > MixedPrecisionCheck.ForwardTolerance || gradient > MixedPrecisionCheck.GradientTolerance)
        {
            var error = Assert.Throws<InvalidOperationException>(() => new Trainer().Run(train, validation, SmallNet(), options, "minmax", _folder));
            Assert.Contains("--precision fp32", error.Message);
            Assert.False(Directory.Exists(_folder), "a refused run left its output folder");
            return;
        }
        var result = new Trainer().Run(train, validation, SmallNet(), options, "minmax", _folder);
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss, "training loss must fall");
        Assert.True(result.BestF1 > 0.5, $"validation F1 {result.BestF1:F3} on trivially separable clefts");
        var (_, model) = ModelFile.Load(result.BestModelPath, CPU);
        using (model) Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        var resumed = new Trainer().Run(train, validation, SmallNet(), options with { Epochs = 5 }, "minmax", _folder,
            resumeFrom: result.LastCheckpointPath);
        Assert.Equal(150, resumed.Steps);
    }

    [Theory]
    [InlineData("auto", TrainingPrecision.Auto)]
    [InlineData("FP32", TrainingPrecision.Float32)]
    [InlineData("bfloat16", TrainingPrecision.BFloat16)]
    public void The_cli_spellings_parse(string text, TrainingPrecision expected) =>
        Assert.Equal(expected, TrainingPrecisions.Parse(text));

    [Fact]
    public void Auto_is_float32_where_bfloat16_was_measured_slower_and_an_explicit_choice_is_kept()
    {
        Assert.Equal(TrainingPrecision.Float32, TrainingPrecisions.Resolve(TrainingPrecision.Auto, CPU));
        Assert.Equal(TrainingPrecision.Float32, TrainingPrecisions.Resolve(TrainingPrecision.Auto, new Device("cuda")));
        Assert.Equal(TrainingPrecision.BFloat16, TrainingPrecisions.Resolve(TrainingPrecision.BFloat16, CPU));
        Assert.Throws<FormatException>(() => TrainingPrecisions.Parse("fp16"));
    }
}
