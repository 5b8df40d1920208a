"""The forum calendar: model, reading and checking files, merging, exports, site pages, coverage map, downloads."""
