// The floor of the bench with the library's start-up (lib/core/startup.ts) first: cdktf starts
// without the modules the library defers. A reference: the platform on an equal footing.
import "../lib/core/startup";
import "./bench-floor";
