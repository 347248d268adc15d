using ElectionFunctions.Evaluation;

// make evaluate: prints the evaluation; --write FILE also records it (docs/classification.md).
var result = Evaluator.Run(args.SkipWhile(a => a != "--set").Skip(1).FirstOrDefault() ?? Evaluator.DefaultSet);
var markdown = result.ToMarkdown();
Console.Write(markdown);
if (args.SkipWhile(a => a != "--write").Skip(1).FirstOrDefault() is { } file) File.WriteAllText(file, markdown);
return 0;
