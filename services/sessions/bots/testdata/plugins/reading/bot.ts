/** Reads a file outside what its manifest declares. @module */
export default async () => {
  await Deno.readTextFile("/etc/hostname");
  return { replies: ["read it"], actions: [] };
};
