using Cremi.Core.Volumes;
using Cremi.Learning.Models;
using Cremi.Learning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests.Training;

public sealed class WeightAverageTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cremi-ema-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static ModelSpec SmallNet() => ModelSpec.Unet(filters: 4, depth: 2, inPlaneLevels: 1, norm: NormKind.Group) with { Groups = 2 };

    private static float[][] Weights(nn.Module<Tensor, Tensor> module) =>
        [.. module.parameters().Select(p => p.detach().cpu().data<float>().ToArray())];

    private static void Perturb(nn.Module<Tensor, Tensor> module, int seed)
    {
        manual_seed(seed);
        using var _ = no_grad();
        foreach (var p in module.parameters())
        {
            using var noise = randn_like(p);
            p.add_(noise);
        }
    }

    [Fact]
    public void The_decay_ramps_up_to_its_cap()
    {
        using var model = SmallNet().Build();
        using var average = new WeightAverage(SmallNet(), model, CPU, 0.999);
        Assert.Equal(2.0 / 11, average.DecayAt(1), 12);
        Assert.Equal(101.0 / 110, average.DecayAt(100), 12);
        Assert.Equal(0.999, average.DecayAt(100_000), 12);
    }

    [Fact]
    public void Each_update_folds_the_weights_in_with_the_decay_of_its_step()
    {
        var spec = SmallNet();
        using var model = spec.Build();
        using var average = new WeightAverage(spec, model, CPU, 0.999);
        Assert.Equal(Weights(model), Weights(average.Model)); // starts at the weights

        var before = Weights(average.Model);
        Perturb(model, 3);
        average.Update(model, 40);
        var d = 41.0 / 50;
        var now = Weights(model);
        var averaged = Weights(average.Model);
        for (var i = 0; i < now.Length; i++)
        for (var j = 0; j < now[i].Length; j++)
            Assert.Equal(d * before[i][j] + (1 - d) * now[i][j], averaged[i][j], 1e-5);
        Assert.NotEqual(now[0], averaged[0]);
        Assert.All(average.Model.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void A_decay_outside_zero_to_one_is_refused()
    {
        using var model = SmallNet().Build();
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(SmallNet(), model, CPU, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(SmallNet(), model, CPU, 0.0));
        Assert.Contains(new TrainingOptions { WeightAverageDecay = 1.5 }.Problems(), p => p.Contains("weight average"));
        Assert.Empty(new TrainingOptions { WeightAverageDecay = 0.999 }.Problems());
    }

    [Fact]
    public void A_checkpoint_keeps_the_average_and_one_without_it_starts_the_average_from_the_weights()
    {
        Directory.CreateDirectory(_folder);
        var spec = SmallNet();
        var state = new CheckpointState { Spec = spec, Options = new TrainingOptions(), Preprocessing = "robust" };
        using var model = spec.Build();
        using var optimizer = new AdamW(model.parameters(), 1e-3);
        using var average = new WeightAverage(spec, model, CPU, 0.99);
        Perturb(model, 5);
        average.Update(model, 1);
        var withAverage = Path.Combine(_folder, "with.ckpt");
        var without = Path.Combine(_folder, "without.ckpt");
        Checkpoint.Save(withAverage, state, model, optimizer, average);
        Checkpoint.Save(without, state, model, optimizer);

        using var restored = spec.Build();
        using var restoredOptimizer = new AdamW(restored.parameters(), 1e-3);
        using var restoredAverage = new WeightAverage(spec, restored, CPU, 0.99);
        Checkpoint.Restore(withAverage, restored, restoredOptimizer, restoredAverage);
        Assert.Equal(Weights(average.Model), Weights(restoredAverage.Model));
        Assert.Equal(Weights(model), Weights(restored));

        Perturb(restoredAverage.Model, 7); // must be overwritten by the weights
        Checkpoint.Restore(without, restored, restoredOptimizer, restoredAverage);
        Assert.Equal(Weights(model), Weights(restoredAverage.Model));
    }

    [Fact]
    public void A_run_with_an_average_saves_and_checkpoints_the_average_and_still_learns()
    {
        var train = new[] { TrainerTests.Bars("a", new Shape3(8, 64, 64), 1) };
        var validation = new[] { TrainerTests.Bars("b", new Shape3(4, 64, 64), 2) };
        var options = TrainerTests.SmallRun(epochs: 2) with { WeightAverageDecay = 0.999, Patience = 0, CalibrationVoxels = 0 };
        var spec = SmallNet();
        var result = new Trainer().Run(train, validation, spec, options with { Epochs = 1 }, "minmax", _folder);
        Assert.True(result.BestF1 > 0.5, $"validation F1 {result.BestF1:F3} of the average on trivially separable clefts");

        // One epoch: its model is the saved one, and it must be the average, not the last weights.
        var checkpoint = Path.Combine(_folder, Trainer.CheckpointName);
        using var weights = spec.Build();
        using var optimizer = new AdamW(weights.parameters(), 1e-3);
        using var average = new WeightAverage(spec, weights, CPU, 0.999);
        Checkpoint.Restore(checkpoint, weights, optimizer, average);
        var (_, saved) = ModelFile.Load(result.BestModelPath, CPU);
        using (saved)
        {
            Assert.Equal(Weights(average.Model), Weights(saved));
            Assert.NotEqual(Weights(weights)[0], Weights(saved)[0]);
        }

        var resumed = new Trainer().Run(train, validation, spec, options, "minmax", _folder, resumeFrom: checkpoint);
        Assert.Equal(60, resumed.Steps);
    }
}
