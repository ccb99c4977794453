using Cremi.Learning.Models;
using static TorchSharp.torch;
using AdamW = Cremi.Learning.Training.AdamW;

namespace Cremi.Learning.Tests.Training;

public sealed class AdamWTests
{
    private static readonly ModelSpec Spec = ModelSpec.Unet(filters: 2, depth: 2, inPlaneLevels: 1) with { Groups = 1 };

    private static (Tensor X, Tensor Y) Data()
    {
        manual_seed(11);
        return (randn([2, 1, 2, 8, 8]), rand([2, 1, 2, 8, 8]));
    }

    private static void Step(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y, Action zero, Action step)
    {
        using var scope = NewDisposeScope();
        zero();
        nn.functional.mse_loss(model.forward(x), y).backward();
        step();
    }

    /// <summary>Copied, not seeded alike: tests running beside this one draw from the same global generator.</summary>
    private static void CopyWeights(nn.Module from, nn.Module to)
    {
        using var noGrad = no_grad();
        foreach (var (source, target) in from.parameters().Zip(to.parameters())) target.copy_(source);
    }

    private static float[] Weights(nn.Module model) =>
        [.. model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray())];

    /// <summary>Against TorchSharp's port of torch.optim.AdamW, learning rate changed on the way as the trainer does.</summary>
    [Fact]
    public void Steps_match_torch_AdamW_including_weight_decay_and_a_changing_learning_rate()
    {
        var (x, y) = Data();
        using var ours = Spec.Build();
        using var theirs = Spec.Build();
        CopyWeights(ours, theirs);
        Assert.Equal(Weights(theirs), Weights(ours));
        using var a = new AdamW(ours.parameters(), 3e-3, weightDecay: 0.05);
        using var b = optim.AdamW(theirs.parameters(), 3e-3, weight_decay: 0.05);
        for (var i = 0; i < 25; i++)
        {
            var lr = i < 10 ? 3e-3 : 1e-3;
            a.LearningRate = lr;
            foreach (var g in b.ParamGroups) g.LearningRate = lr;
            Step(ours, x, y, a.ZeroGrad, a.Step);
            Step(theirs, x, y, () => b.zero_grad(), () => b.step());
        }
        var (w1, w2) = (Weights(ours), Weights(theirs));
        Assert.True(w1.Zip(w2).Max(p => Math.Abs(p.First - p.Second)) < 1e-6, "weights differ from torch AdamW's");
        Assert.NotEqual(Weights(Spec.Build()), w1); // it did move
    }

    [Fact]
    public void A_saved_state_resumes_exactly_where_it_stopped()
    {
        var (x, y) = Data();
        using var straight = Spec.Build();
        using var first = Spec.Build();
        CopyWeights(straight, first);
        using var a = new AdamW(straight.parameters(), 1e-2, weightDecay: 0.01);
        for (var i = 0; i < 10; i++) Step(straight, x, y, a.ZeroGrad, a.Step);

        using var b = new AdamW(first.parameters(), 1e-2, weightDecay: 0.01);
        for (var i = 0; i < 5; i++) Step(first, x, y, b.ZeroGrad, b.Step);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            first.save(writer);
            b.Save(writer);
        }
        stream.Position = 0;
        using var resumed = Spec.Build();
        using var c = new AdamW(resumed.parameters(), 1e-2, weightDecay: 0.01);
        using (var reader = new BinaryReader(stream))
        {
            resumed.load(reader);
            c.Load(reader);
        }
        Assert.Equal(5, c.Steps);
        for (var i = 0; i < 5; i++) Step(resumed, x, y, c.ZeroGrad, c.Step);
        Assert.Equal(Weights(straight), Weights(resumed));
    }
}
