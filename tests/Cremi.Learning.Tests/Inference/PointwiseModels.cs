using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Learning.Tests.Inference;

/// <summary>Models whose output at a voxel depends on that voxel only (or on nothing): blending must reproduce them exactly.</summary>
internal sealed class ConstantModel(float value) : nn.Module<Tensor, Tensor>(nameof(ConstantModel))
{
    public override Tensor forward(Tensor input) => full_like(input, value);
}

/// <summary>A 1×1×1 convolution then a sigmoid: receptive field one voxel, output in (0, 1).</summary>
internal sealed class PointwiseModel : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Conv3d conv;

    public PointwiseModel() : base(nameof(PointwiseModel))
    {
        conv = nn.Conv3d(1, 1, 1);
        using (no_grad())
        {
            conv.weight!.fill_(3.0);
            conv.bias!.fill_(-1.5);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => conv.forward(input).sigmoid();
}
