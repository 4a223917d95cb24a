/** Writes progress as the backup does (cli_test.ts reads its stderr). @module */
import { progressLine } from "../cli.ts";

for (const step of ["checking a", "checking a", "checking b", ""]) progressLine(step);
for (const percent of [0, 0, 50, 100]) progressLine(`TICKETS: ${percent} % of 10 bytes`);
progressLine("");
