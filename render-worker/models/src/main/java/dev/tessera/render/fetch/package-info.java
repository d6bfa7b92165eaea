/**
 * Fetching packages with the machine's own package tools: npm packages ({@link
 * dev.tessera.render.fetch.Npm}, {@code npm pack} and {@code npm install}) and Debian packages
 * ({@link dev.tessera.render.fetch.DebianPackages}, {@code apt-get download} and {@code dpkg-deb
 * -x}), each kept once per machine in {@link dev.tessera.render.fetch.FetchCache}. No registry
 * address is written here: the tools' own settings apply. Depends on nothing else in this module.
 */
package dev.tessera.render.fetch;
