// Stylesheets imported for their side effect: Vite extracts them into the bundle's CSS file.
declare module '*.css';
