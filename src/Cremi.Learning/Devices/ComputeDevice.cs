using TorchSharp;

namespace Cremi.Learning.Devices;

/// <summary>Chooses where tensors live: CUDA whenever libtorch sees a GPU, else the CPU.</summary>
public static class ComputeDevice
{
    /// <summary>
    /// "auto" (default) picks cuda when available; "cpu", "cuda" or "cuda:N" force one.
    /// Asking for CUDA on a host without it is an error rather than a silent fallback.
    /// </summary>
    public static torch.Device Resolve(string? request = "auto")
    {
        var text = string.IsNullOrWhiteSpace(request) ? "auto" : request.Trim().ToLowerInvariant();
        if (text == "auto") return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        if (text.StartsWith("cuda", StringComparison.Ordinal) && !torch.cuda.is_available())
            throw new InvalidOperationException(
                $"device '{request}' was requested but CUDA is not available (CPU build of libtorch, or no GPU/driver); use --device cpu or build with -p:TorchBackend=cuda");
        return new torch.Device(text);
    }

    /// <summary>One line for logs: device, libtorch threads and, on CUDA, the GPU count.</summary>
    public static string Describe(torch.Device device) =>
        device.type == DeviceType.CUDA
            ? $"cuda ({torch.cuda.device_count()} GPU(s))"
            : $"cpu ({torch.get_num_threads()} threads)";
}
