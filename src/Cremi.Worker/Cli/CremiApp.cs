using Cremi.Worker.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Cli;

/// <summary>The command table of `cremi`, shared by Program and the tests (which pass a recording console).</summary>
public static class CremiApp
{
    /// <param name="console">Where results go (stdout).</param>
    /// <param name="errors">Where the one-line error goes (stderr); the same console in tests.</param>
    public static int Run(string[] args, IAnsiConsole console, IAnsiConsole? errors = null)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("cremi");
            config.ConfigureConsole(console);
            config.PropagateExceptions();
            config.UseStrictParsing(); // an unknown or misspelt option is an error, never silently ignored
            config.AddCommand<DemoCommand>("demo")
                .WithDescription("Synthesize a CREMI-like volume, preprocess it and summarise it: the whole pipeline on generated data.");
            config.AddCommand<SynthCommand>("synth")
                .WithDescription("Write a synthetic CREMI-like EM volume with cleft labels (deterministic per seed).")
                .WithExample("synth", "sample.hdf", "--shape", "125,1250,1250", "--seed", "1");
            config.AddCommand<InfoCommand>("info")
                .WithDescription("Describe an HDF5 volume: datasets, shapes, types, resolution, chunking, clefts.")
                .WithExample("info", "sample_A.hdf", "--json");
            config.AddCommand<RenderCommand>("render")
                .WithDescription("Draw one z-section of raw data with true (green) and predicted (magenta) clefts as a PNG.")
                .WithExample("render", "sample.hdf", "--z", "10", "--out", "slice.png");
            config.AddCommand<DisplayCommand>("display").WithDescription("Serve raw data and masks to Neuroglancer (offline viewer included) until Ctrl-C.").WithExample("display", "sample.hdf", "mask.hdf", "--port", "9000");
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train a 3D U-Net cleft detector on annotated CREMI files; writes model.cremi, checkpoints, history and loss.png.")
                .WithExample("train", "sample_A.hdf", "sample_B.hdf", "--out", "run1", "--epochs", "20");
            config.AddCommand<TestCommand>("test")
                .WithDescription("Generate a mask for an annotated file and score it against the file's own labels (same figures as evaluate).")
                .WithExample("test", "sample_C.hdf", "run1/model.cremi", "--json");
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithDescription("Score predicted clefts against true ones: voxel F1/IoU and the CREMI metric (ADGT, ADF, FP/FN at 200 nm).")
                .WithExample("evaluate", "sample_A.hdf", "mask.hdf", "--json");
            config.AddCommand<GenerateCommand>("generate").WithDescription("Predict cleft probabilities and ids for a volume with a trained model (streamed, atomic).").WithExample("generate", "sample.hdf", "run1/model.cremi", "--out", "mask.hdf");
            config.AddCommand<WorkerCommand>("worker")
                .WithDescription("Run the worker service: watch an inbox, run train/generate/test jobs, publish to an outbox (until SIGTERM).")
                .WithExample("worker", "--inbox", "in", "--outbox", "out", "--failed", "failed", "--model", "run1/model.cremi");
            config.AddBranch("bench", bench =>
            {
                bench.SetDescription("Measure the project's performance figures (time, throughput, peak memory).");
                bench.AddCommand<BenchSynthCommand>("synth").WithDescription("Write a synthetic volume; report time and peak RSS.");
                bench.AddCommand<BenchInferCommand>("infer").WithDescription("Generate with a fixed model on a synthetic volume; report voxels/s, FLOPs and the conv3d peak.");
                bench.AddCommand<BenchTrainCommand>("train").WithDescription("Train a fixed network on a synthetic volume; report samples/s, voxels/s, RSS growth and peak RSS.");
                bench.AddCommand<BenchBlocksCommand>("blocks").WithDescription("Generate one volume whole and split into blocks (1 and 2 workers); report the split's overhead.");
                bench.AddCommand<BenchPreprocessCommand>("preprocess").WithDescription("Preprocess a synthetic volume in memory; report time.");
            });
        });
        try
        {
            return app.Run(ArgumentAliases.Normalize(args));
        }
        catch (Exception error)
        {
            return CliErrors.Report(errors ?? console, error);
        }
    }
}
