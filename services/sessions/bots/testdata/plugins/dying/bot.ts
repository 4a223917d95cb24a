/** Ends its own process mid-turn with the real exit, taken from the guard. @module */
import { exitProcess } from "../../../plugin_guard.ts";

export default () => exitProcess(7);
