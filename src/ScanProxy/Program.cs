using ScanProxy.Cli;

return await Commands.RunAsync(args);
